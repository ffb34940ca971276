namespace Mirrorstage.X402.Svm;

/// <summary>Bitcoin-alphabet base58, as Solana writes public keys and signatures (SimpleBase's codec), with the
/// length a key or signature must have.</summary>
public static class Base58
{
    public static string Encode(ReadOnlySpan<byte> bytes) => SimpleBase.Base58.Bitcoin.Encode(bytes);

    public static bool TryDecode(string? text, int length, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text) || text.Length > 90) return false;
        var buffer = new byte[SimpleBase.Base58.Bitcoin.GetSafeByteCountForDecoding(text)];
        if (!SimpleBase.Base58.Bitcoin.TryDecode(text, buffer, out var written) || written != length) return false;
        bytes = buffer[..written];
        return true;
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, 32, out var key) ? key : throw new FormatException($"'{text}' is not a base58 public key.");
}
