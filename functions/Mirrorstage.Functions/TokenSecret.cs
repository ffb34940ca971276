using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;

namespace Mirrorstage.Functions;

/// <summary>The HMAC key session and share tokens are derived from. A paying gateway takes it only from its
/// configuration, as at least 32 random bytes (base64 or hex: `openssl rand -base64 32`), identical on every
/// replica: a per-instance file would break tokens across replicas, and a guessable key lets anyone mint
/// tokens. Without payments (local use) a missing one becomes a random key in a file beside the data.</summary>
public static class TokenSecret
{
    /// <summary>The placeholder local.settings.sample.json ships with: public, so never a key.</summary>
    public const string SamplePlaceholder = "at-least-32-random-characters-from-key-vault";

    public const int MinBytes = 32;

    public static string Resolve(string configured, IConfiguration config, bool paid)
    {
        if (!string.IsNullOrWhiteSpace(configured) || paid) return configured.Trim();
        var path = config["Mirrorstage:Gateway:TokenSecretFile"] ?? Path.Combine("data", "token-secret");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(MinBytes));
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    /// <summary>What is wrong with a secret, or null.</summary>
    public static string? Problem(string secret, bool paid)
    {
        const string how = "Mirrorstage:Gateway:TokenSecret must be at least 32 random bytes, base64 or hex (openssl rand -base64 32), the same on every replica";
        if (secret == SamplePlaceholder) return how + "; the sample placeholder is not a secret.";
        if (!paid) return secret.Length >= MinBytes ? null : how + ".";
        if (secret.Length == 0) return how + ": a paying gateway needs it set explicitly.";
        var bytes = Decode(secret);
        if (bytes is null || bytes.Length < MinBytes) return how + $"; this one decodes to {bytes?.Length ?? 0} bytes.";
        // Random bytes repeat little: 32 of them show about 30 distinct values. A pattern or a word does not.
        return bytes.Distinct().Count() < 16 ? how + "; this one is not random." : null;
    }

    private static byte[]? Decode(string s)
    {
        if (s.Length % 2 == 0 && s.All(Uri.IsHexDigit)) return Convert.FromHexString(s);
        var b64 = s.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        var buffer = new byte[b64.Length];
        return Convert.TryFromBase64String(b64, buffer, out var n) ? buffer[..n] : null;
    }
}

/// <summary>Refuses to start with a weak or missing token secret (see TokenSecret).</summary>
public sealed class TokenSecretValidator(IOptions<PricingOptions> pricing) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
        TokenSecret.Problem(options.TokenSecret, pricing.Value.Charges) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}
