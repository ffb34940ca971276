using Org.BouncyCastle.Crypto.Digests;

namespace Mirrorstage.X402.Evm;

/// <summary>Keccak-256 as Ethereum uses it (the original padding, not NIST SHA3-256).</summary>
public static class Keccak
{
    public static byte[] Hash(params ReadOnlySpan<byte[]> parts)
    {
        var digest = new KeccakDigest(256);
        foreach (var part in parts) digest.BlockUpdate(part, 0, part.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    public static byte[] Hash(string utf8) => Hash(System.Text.Encoding.UTF8.GetBytes(utf8));
}
