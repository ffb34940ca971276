using System.Globalization;
using System.Numerics;

namespace Mirrorstage.X402.Evm;

public static class Hex
{
    public static byte[] Decode(string hex)
    {
        var s = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        if (s.Length % 2 == 1) s = "0" + s;
        return Convert.FromHexString(s);
    }

    public static bool TryDecode(string? hex, int length, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || !hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || hex.Length != 2 + length * 2) return false;
        try { bytes = Convert.FromHexString(hex[2..]); return true; }
        catch (FormatException) { return false; }
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static string Quantity(BigInteger value) => "0x" + (value.IsZero ? "0" : value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'));

    public static BigInteger ParseQuantity(string hex) =>
        BigInteger.Parse("0" + (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Big-endian, left-padded to 32 bytes: an ABI word.</summary>
    public static byte[] Word(BigInteger value)
    {
        if (value.Sign < 0) throw new ArgumentOutOfRangeException(nameof(value));
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length > 32) throw new ArgumentOutOfRangeException(nameof(value));
        var word = new byte[32];
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    public static byte[] Word(byte[] address20)
    {
        var word = new byte[32];
        address20.CopyTo(word, 32 - address20.Length);
        return word;
    }
}
