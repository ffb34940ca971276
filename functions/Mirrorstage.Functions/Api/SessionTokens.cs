using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Mirrorstage.Functions.Api;

/// <summary>Session and share tokens are HMACs of the session id under the gateway's secret: the store keeps
/// only their SHA-256 hashes, yet the gateway can hand the same token back on an idempotent retry and
/// rebuild a session's view_url without ever storing a token in clear.</summary>
public sealed class SessionTokens(IOptions<GatewayOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.TokenSecret);

    public static string NewSessionId() => Guid.CreateVersion7().ToString();

    public string SessionToken(string sessionId) => "sk_" + Mac("session:" + sessionId);

    public string ShareToken(string sessionId, int shareNumber) => "sh_" + Mac($"share:{sessionId}:{shareNumber}");

    private string Mac(string message) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message)));

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <exception cref="FormatException">Not base64url.</exception>
    internal static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '='));
    }
}
