using System.Security.Cryptography;

namespace Mirrorstage.Functions;

/// <summary>Where the token secret comes from when none is configured: a random one kept in a file beside the
/// data, so local runs work out of the box and tokens survive restarts. Production sets it explicitly.</summary>
public static class TokenSecret
{
    public static string Resolve(string configured, IConfiguration config)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var path = config["Mirrorstage:Gateway:TokenSecretFile"] ?? Path.Combine("data", "token-secret");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }
}
