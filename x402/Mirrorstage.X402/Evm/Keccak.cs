using Nethereum.Util;

namespace Mirrorstage.X402.Evm;

/// <summary>Keccak-256 as Ethereum uses it, from Nethereum, over the concatenation of its parts.</summary>
public static class Keccak
{
    public static byte[] Hash(params ReadOnlySpan<byte[]> parts)
    {
        var all = new List<byte>();
        foreach (var part in parts) all.AddRange(part);
        return Sha3Keccack.Current.CalculateHash(all.ToArray());
    }

    public static byte[] Hash(string utf8) => Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes(utf8));
}
