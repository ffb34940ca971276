using System.Numerics;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Evm;

/// <summary>The off-chain rules of the EVM "exact" scheme: everything that can be checked without the chain.</summary>
public static class EvmExactVerifier
{
    /// <summary>A verify failure in the spec's vocabulary, or null when the payload passes.</summary>
    public static VerifyResponse? Check(PaymentPayload payload, PaymentRequirements requirements, DateTimeOffset now, out TransferAuthorization? authorization)
    {
        authorization = null;
        string? payer = null;
        VerifyResponse Invalid(string reason, string message) => new(false, reason, message, payer);

        if (payload.Accepted.Scheme != "exact" || requirements.Scheme != "exact")
            return Invalid("unsupported_scheme", "Only the exact scheme is supported.");
        if (payload.Accepted.Network != requirements.Network || !TryChainId(requirements.Network, out var chainId))
            return Invalid("invalid_network", "The payload's network is not this requirement's.");
        var name = requirements.Extra?["name"]?.GetValue<string>();
        var version = requirements.Extra?["version"]?.GetValue<string>();
        if (name is null || version is null)
            return Invalid("invalid_exact_evm_payload_missing_eip712_domain", "The requirement lacks extra.name / extra.version.");

        authorization = TransferAuthorization.Parse(payload.Payload);
        if (authorization is not { } a)
            return Invalid("invalid_payload", "The payload is not an EIP-3009 authorization with a 65-byte signature.");
        payer = Hex.Encode(a.From);

        if (!Hex.TryDecode(requirements.Asset, 20, out var asset) || !Hex.TryDecode(requirements.PayTo, 20, out var payTo))
            return Invalid("invalid_payment_requirements", "The requirement's asset or payTo is not an address.");
        var signature = Secp256k1.Signature.Parse(a.Signature)!;
        var signer = Secp256k1.RecoverAddress(a.Digest(TransferAuthorization.DomainSeparator(name, version, chainId, asset)), signature);
        if (signer is null || !signer.AsSpan().SequenceEqual(a.From))
            return Invalid("invalid_exact_evm_payload_signature", "The signature does not recover to authorization.from.");
        if (!a.To.AsSpan().SequenceEqual(payTo))
            return Invalid("invalid_exact_evm_payload_recipient_mismatch", "authorization.to is not payTo.");
        if (a.Value != BigInteger.Parse(requirements.Amount, System.Globalization.CultureInfo.InvariantCulture))
            return Invalid("invalid_exact_evm_payload_authorization_value_mismatch", "authorization.value is not the required amount.");
        var seconds = now.ToUnixTimeSeconds();
        if (a.ValidBefore < seconds + 6)
            return Invalid("invalid_exact_evm_payload_authorization_valid_before", "The authorization expires too soon.");
        if (a.ValidAfter > seconds)
            return Invalid("invalid_exact_evm_payload_authorization_valid_after", "The authorization is not valid yet.");
        return null;
    }

    public static bool TryChainId(string network, out BigInteger chainId)
    {
        chainId = default;
        return network.StartsWith("eip155:", StringComparison.Ordinal)
               && BigInteger.TryParse(network[7..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out chainId);
    }
}
