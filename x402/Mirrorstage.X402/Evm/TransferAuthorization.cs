using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mirrorstage.X402.Evm;

/// <summary>An EIP-3009 TransferWithAuthorization as the "exact" EVM payload carries it.</summary>
public sealed record TransferAuthorization(
    byte[] From, byte[] To, BigInteger Value, BigInteger ValidAfter, BigInteger ValidBefore, byte[] Nonce, byte[] Signature)
{
    private static readonly byte[] DomainTypeHash = Keccak.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    private static readonly byte[] TypeHash = Keccak.Hash("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)");

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

    public static byte[] DomainSeparator(string name, string version, BigInteger chainId, byte[] verifyingContract) =>
        Keccak.Hash(DomainTypeHash, Keccak.Hash(name), Keccak.Hash(version), Hex.Word(chainId), Hex.Word(verifyingContract));

    /// <summary>The EIP-712 digest the payer signed.</summary>
    public byte[] Digest(byte[] domainSeparator) =>
        Keccak.Hash([0x19, 0x01], domainSeparator,
            Keccak.Hash(TypeHash, Hex.Word(From), Hex.Word(To), Hex.Word(Value), Hex.Word(ValidAfter), Hex.Word(ValidBefore), Nonce));

    /// <summary>transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32) call data.</summary>
    public byte[] CallData()
    {
        var v = Signature[64] < 27 ? Signature[64] + 27 : Signature[64];
        return
        [
            .. Keccak.Hash("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)")[..4],
            .. Hex.Word(From), .. Hex.Word(To), .. Hex.Word(Value), .. Hex.Word(ValidAfter), .. Hex.Word(ValidBefore),
            .. Nonce, .. Hex.Word(v), .. Signature[..32], .. Signature[32..64],
        ];
    }
}
