using System.Diagnostics.CodeAnalysis;

namespace Mirrorstage.X402;

/// <summary>Standard base64 (RFC 4648 §4, `+/`, `=` padding) read strictly: the text must be exactly what
/// encoding its bytes gives. Lenient decoders accept many spellings of the same bytes (spare bits in the last
/// quantum, whitespace, missing padding); a payment must have one spelling, or one payment could pass for many.</summary>
public static class CanonicalBase64
{
    public static bool TryDecode(string? text, int maxBytes, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (string.IsNullOrEmpty(text) || text.Length % 4 != 0 || text.Length / 4 * 3 > maxBytes + 2) return false;
        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out var length) || length > maxBytes) return false;
        var decoded = buffer[..length];
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal)) return false;
        bytes = decoded;
        return true;
    }
}
