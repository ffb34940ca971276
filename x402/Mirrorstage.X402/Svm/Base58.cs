using System.Numerics;

namespace Mirrorstage.X402.Svm;

/// <summary>Bitcoin-alphabet base58, as Solana writes public keys and signatures.</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var zeros = 0;
        while (zeros < bytes.Length && bytes[zeros] == 0) zeros++;
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new List<char>();
        while (value > 0)
        {
            chars.Add(Alphabet[(int)(value % 58)]);
            value /= 58;
        }
        return new string('1', zeros) + new string(Enumerable.Reverse(chars).ToArray());
    }

    public static bool TryDecode(string? text, int length, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text) || text.Length > 90) return false;
        BigInteger value = 0;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c);
            if (digit < 0) return false;
            value = value * 58 + digit;
        }
        var zeros = text.TakeWhile(c => c == '1').Count();
        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (zeros + body.Length != length) return false;
        bytes = new byte[length];
        body.CopyTo(bytes, zeros);
        return true;
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, 32, out var key) ? key : throw new FormatException($"'{text}' is not a base58 public key.");
}
