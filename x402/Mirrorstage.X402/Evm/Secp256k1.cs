using Nethereum.Signer;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;

namespace Mirrorstage.X402.Evm;

/// <summary>Ethereum signatures through Nethereum's EthECKey, with this gateway's rules on top: a signature is
/// 65 bytes r || s || v with v in {0, 1, 27, 28}, r and s non-zero, and s in the lower half of the curve order
/// (a high-s twin of a valid signature is refused, so one authorization has one spelling).</summary>
public static class Secp256k1
{
    private static readonly BigInteger Order = CustomNamedCurves.GetByName("secp256k1").N;

    public sealed record Signature(byte[] R, byte[] S, byte V)
    {
        public byte[] ToBytes() => [.. R, .. S, V];

        public static Signature? Parse(byte[] bytes) =>
            bytes.Length != 65 ? null : new Signature(bytes[..32], bytes[32..64], bytes[64]);
    }

    /// <summary>The address that signed `hash`, or null for an invalid or malleable (high-s) signature.</summary>
    public static byte[]? RecoverAddress(byte[] hash, Signature sig)
    {
        var recId = sig.V >= 27 ? sig.V - 27 : sig.V;
        var r = new BigInteger(1, sig.R);
        if (recId is not (0 or 1) || r.SignValue == 0 || r.CompareTo(Order) >= 0 || sig.S.All(b => b == 0)) return null;
        var ecdsa = EthECDSASignatureFactory.FromComponents(sig.R, sig.S, (byte)(27 + recId));
        if (!ecdsa.IsLowS) return null;
        try
        {
            return EthECKey.RecoverFromSignature(ecdsa, recId, hash).GetPublicAddressAsBytes();
        }
        catch (Exception e) when (e is ArgumentException or NullReferenceException)
        {
            return null; // no curve point has x = r (Nethereum throws or hands back an empty key)
        }
    }

    /// <summary>A deterministic, low-s signature with v in {0, 1}.</summary>
    public static Signature Sign(byte[] hash, byte[] privateKey)
    {
        var sig = new EthECKey(privateKey, true).SignAndCalculateV(hash);
        return new Signature(Pad(sig.R), Pad(sig.S), (byte)(sig.V[0] - 27));
    }

    public static byte[] AddressOf(byte[] privateKey) => new EthECKey(privateKey, true).GetPublicAddressAsBytes();

    private static byte[] Pad(byte[] v) => v.Length >= 32 ? v[^32..] : [.. new byte[32 - v.Length], .. v];
}
