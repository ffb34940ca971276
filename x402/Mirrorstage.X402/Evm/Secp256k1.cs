using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Mirrorstage.X402.Evm;

/// <summary>Ethereum signatures on secp256k1: public-key recovery (SEC 1, 4.1.6) and deterministic signing (RFC 6979).</summary>
public static class Secp256k1
{
    private static readonly X9ECParameters Curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);
    private static readonly BigInteger HalfN = Curve.N.ShiftRight(1);

    public sealed record Signature(byte[] R, byte[] S, byte V)
    {
        public byte[] ToBytes() => [.. R, .. S, V];

        /// <summary>65 bytes r || s || v, v in {0, 1, 27, 28}.</summary>
        public static Signature? Parse(byte[] bytes) =>
            bytes.Length != 65 ? null : new Signature(bytes[..32], bytes[32..64], bytes[64]);
    }

    /// <summary>The address that signed `hash`, or null for an invalid or malleable (high-s) signature.</summary>
    public static byte[]? RecoverAddress(byte[] hash, Signature sig)
    {
        var recId = sig.V >= 27 ? sig.V - 27 : sig.V;
        if (recId is not (0 or 1)) return null;
        var r = new BigInteger(1, sig.R);
        var s = new BigInteger(1, sig.S);
        if (r.SignValue == 0 || s.SignValue == 0 || r.CompareTo(Curve.N) >= 0 || s.CompareTo(HalfN) > 0) return null;

        ECPoint point;
        try
        {
            var x = new byte[33];
            x[0] = (byte)(0x02 | recId);
            Array.Copy(r.ToByteArrayUnsigned(), 0, x, 33 - r.ToByteArrayUnsigned().Length, r.ToByteArrayUnsigned().Length);
            point = Curve.Curve.DecodePoint(x);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var e = new BigInteger(1, hash);
        var rInv = r.ModInverse(Curve.N);
        var q = ECAlgorithms.SumOfTwoMultiplies(Curve.G, e.Negate().Mod(Curve.N).Multiply(rInv).Mod(Curve.N), point, rInv.Multiply(s).Mod(Curve.N)).Normalize();
        if (q.IsInfinity) return null;
        return AddressOf(q);
    }

    public static Signature Sign(byte[] hash, byte[] privateKey)
    {
        var d = new BigInteger(1, privateKey);
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, new ECPrivateKeyParameters(d, Domain));
        var rs = signer.GenerateSignature(hash);
        var r = rs[0];
        var s = rs[1].CompareTo(HalfN) > 0 ? Curve.N.Subtract(rs[1]) : rs[1];
        var rBytes = Pad(r);
        var sBytes = Pad(s);
        var expected = AddressOf(privateKey);
        for (byte v = 0; v < 2; v++)
            if (RecoverAddress(hash, new Signature(rBytes, sBytes, v)) is { } a && a.AsSpan().SequenceEqual(expected))
                return new Signature(rBytes, sBytes, v);
        throw new InvalidOperationException("Could not find the recovery id of a fresh signature.");
    }

    public static byte[] AddressOf(byte[] privateKey) => AddressOf(Curve.G.Multiply(new BigInteger(1, privateKey)).Normalize());

    private static byte[] AddressOf(ECPoint q) => Keccak.Hash(q.GetEncoded(false)[1..])[12..];

    private static byte[] Pad(BigInteger v)
    {
        var bytes = v.ToByteArrayUnsigned();
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }
}
