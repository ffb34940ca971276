using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402;

/// <summary>What makes a payment unique, so one payload can pay for one thing only.</summary>
public static class PaymentKeys
{
    /// <summary>EVM exact: network + payer + EIP-3009 nonce. Solana exact: network + hash of the transaction.
    /// Anything else: network + hash of the payload.</summary>
    public static string For(PaymentPayload p)
    {
        var network = p.Accepted.Network;
        if (EvmPayer(p) is { } from && p.Payload["authorization"]?["nonce"]?.GetValueKind() == JsonValueKind.String)
            return $"{network}|{from}|{p.Payload["authorization"]!["nonce"]!.GetValue<string>().ToLowerInvariant()}";
        if (p.Payload["transaction"]?.GetValueKind() == JsonValueKind.String)
            return $"{network}|tx|{Sha256(p.Payload["transaction"]!.GetValue<string>())}";
        return $"{network}|payload|{Sha256(p.Payload.ToJsonString())}";
    }

    /// <summary>The payer an EVM exact payload names (lower-cased), before any verification.</summary>
    public static string? EvmPayer(PaymentPayload p) =>
        p.Accepted.Network.StartsWith("eip155:", StringComparison.Ordinal)
        && p.Payload["authorization"]?["from"]?.GetValueKind() == JsonValueKind.String
            ? p.Payload["authorization"]!["from"]!.GetValue<string>().ToLowerInvariant()
            : null;

    private static string Sha256(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
}
