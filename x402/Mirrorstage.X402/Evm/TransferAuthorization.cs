using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.ABI.EIP712;
using Nethereum.Contracts;

namespace Mirrorstage.X402.Evm;

/// <summary>An EIP-3009 TransferWithAuthorization as the "exact" EVM payload carries it.</summary>
public sealed record TransferAuthorization(
    byte[] From, byte[] To, BigInteger Value, BigInteger ValidAfter, BigInteger ValidBefore, byte[] Nonce, byte[] Signature)
{
    /// <summary>Null when any field is missing or malformed.</summary>
    public static TransferAuthorization? Parse(JsonObject payload)
    {
        if (payload["authorization"] is not JsonObject a) return null;
        string? S(JsonNode? n) => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        if (!Hex.TryDecode(S(a["from"]), 20, out var from) || !Hex.TryDecode(S(a["to"]), 20, out var to)
            || !Hex.TryDecode(S(a["nonce"]), 32, out var nonce) || !Hex.TryDecode(S(payload["signature"]), 65, out var signature)
            || !Uint(S(a["value"]), out var value) || !Uint(S(a["validAfter"]), out var after) || !Uint(S(a["validBefore"]), out var before))
            return null;
        return new TransferAuthorization(from, to, value, after, before, nonce, signature);
    }

    private static readonly BigInteger MaxUint256 = (BigInteger.One << 256) - 1;

    /// <summary>A canonical decimal uint256: digits only, no leading zeros, at most 2^256 - 1.</summary>
    private static bool Uint(string? s, out BigInteger value)
    {
        value = default;
        return s is { Length: > 0 and <= 78 } && s.All(char.IsAsciiDigit) && (s.Length == 1 || s[0] != '0')
               && BigInteger.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out value) && value <= MaxUint256;
    }

    /// <summary>The EIP-712 domain that separates one token's authorizations from every other's.</summary>
    public static TypedData<Domain> DomainSeparator(string name, string version, BigInteger chainId, byte[] verifyingContract) =>
        Erc3009Domain.For(name, version, chainId, verifyingContract);

    /// <summary>The EIP-712 digest the payer signed, hashed by Nethereum's typed-data encoder.</summary>
    public byte[] Digest(TypedData<Domain> domain) =>
        Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(new TransferWithAuthorizationMessage
        {
            From = Hex.Encode(From), To = Hex.Encode(To), Value = Value, ValidAfter = ValidAfter, ValidBefore = ValidBefore, Nonce = Nonce,
        }, domain);

    /// <summary>The transferWithAuthorization call that spends this authorization (v as 27 or 28).</summary>
    public TransferWithAuthorizationFunction Call() => new()
    {
        From = Hex.Encode(From), To = Hex.Encode(To), Value = Value, ValidAfter = ValidAfter, ValidBefore = ValidBefore, AuthorizationNonce = Nonce,
        V = Signature[64] < 27 ? (byte)(Signature[64] + 27) : Signature[64], R = Signature[..32], S = Signature[32..64],
    };

    public byte[] CallData() => Call().GetCallData();
}
