using System.Security.Cryptography;
using System.Text;

namespace Mirrorstage.Events.Sessions;

/// <summary>Session and share tokens are stored only as SHA-256 hashes; gateway and worker check them the same way.</summary>
public static class TokenHashes
{
    public static string Of(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Constant-time comparison; no token we issue is empty or 512 characters long.</summary>
    public static bool Matches(string token, string storedHash) =>
        token.Length is > 0 and < 512
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Of(token)), Encoding.ASCII.GetBytes(storedHash));
}
