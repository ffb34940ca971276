using System.Numerics;

namespace Mirrorstage.X402.Evm;

/// <summary>Recursive Length Prefix encoding: byte strings and lists of items.</summary>
public static class Rlp
{
    public static byte[] Encode(object item) => item switch
    {
        byte[] bytes => EncodeBytes(bytes),
        BigInteger n => EncodeBytes(n.IsZero ? [] : n.ToByteArray(isUnsigned: true, isBigEndian: true)),
        long n => Encode(new BigInteger(n)),
        IEnumerable<object> list => EncodeList(list),
        _ => throw new ArgumentException($"RLP cannot encode {item.GetType().Name}"),
    };

    private static byte[] EncodeBytes(byte[] bytes) =>
        bytes.Length == 1 && bytes[0] < 0x80 ? bytes : [.. Prefix(0x80, bytes.Length), .. bytes];

    private static byte[] EncodeList(IEnumerable<object> items)
    {
        var body = items.SelectMany(Encode).ToArray();
        return [.. Prefix(0xC0, body.Length), .. body];
    }

    private static byte[] Prefix(byte offset, int length)
    {
        if (length < 56) return [(byte)(offset + length)];
        var len = new BigInteger(length).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [(byte)(offset + 55 + len.Length), .. len];
    }
}

/// <summary>An EIP-1559 (type 2) transaction, signed by the relayer.</summary>
public sealed record Eip1559Transaction(
    BigInteger ChainId, BigInteger Nonce, BigInteger MaxPriorityFeePerGas, BigInteger MaxFeePerGas, BigInteger GasLimit,
    byte[] To, BigInteger Value, byte[] Data)
{
    private object[] Fields => [ChainId, Nonce, MaxPriorityFeePerGas, MaxFeePerGas, GasLimit, To, Value, Data, Array.Empty<object>()];

    public byte[] SigningHash() => Keccak.Hash([0x02, .. Rlp.Encode(Fields)]);

    public byte[] Sign(byte[] privateKey)
    {
        var sig = Secp256k1.Sign(SigningHash(), privateKey);
        object[] signed = [.. Fields, new BigInteger(sig.V), new BigInteger(sig.R, isUnsigned: true, isBigEndian: true), new BigInteger(sig.S, isUnsigned: true, isBigEndian: true)];
        return [0x02, .. Rlp.Encode(signed)];
    }
}
