using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;

namespace Mirrorstage.X402;

/// <summary>What makes a payment one payment: what the chain sees, never how the client spelled it.
/// EVM exact: (network, asset, payer, EIP-3009 nonce), the key the token contract itself spends.
/// Solana exact: the message the transfer authority signed (the fee payer's slot is filled in at settlement,
/// so the message, not the transaction bytes, is the payment).</summary>
public sealed record PaymentIdentity(string Key, string? Payer, TransferAuthorization? Authorization, SolanaTransaction? Transaction)
{
    public const int MaxSolanaTransactionBytes = 1232;

    /// <summary>Reads the payload's identity; a payload whose fields do not even parse is refused (400), so
    /// crafted shapes never reach the rules, the store or a facilitator.</summary>
    public static bool TryRead(PaymentPayload p, [NotNullWhen(true)] out PaymentIdentity? identity, out string error)
    {
        identity = null;
        error = "";
        var network = p.Accepted.Network;
        if (network.StartsWith("eip155:", StringComparison.Ordinal))
        {
            if (TransferAuthorization.Parse(p.Payload) is not { } a)
            {
                error = "payload must be an EIP-3009 authorization: from/to 20-byte and nonce 32-byte 0x hex, value/validAfter/validBefore " +
                        "decimal uint256 strings, and a 65-byte 0x hex signature.";
                return false;
            }
            var payer = Hex.Encode(a.From);
            identity = new PaymentIdentity($"{network}|{p.Accepted.Asset.ToLowerInvariant()}|{payer}|{Hex.Encode(a.Nonce)}", payer, a, null);
            return true;
        }
        if (network.StartsWith("solana:", StringComparison.Ordinal))
        {
            if (p.Payload["transaction"] is not { } node || node.GetValueKind() != JsonValueKind.String
                || !CanonicalBase64.TryDecode(node.GetValue<string>(), MaxSolanaTransactionBytes, out var raw)
                || SolanaTransaction.TryParse(raw) is not { } tx)
            {
                error = $"payload.transaction must be one Solana transaction of at most {MaxSolanaTransactionBytes} bytes in canonical standard base64.";
                return false;
            }
            identity = new PaymentIdentity($"{network}|{Convert.ToHexStringLower(SHA256.HashData(tx.Message))}", null, null, tx);
            return true;
        }
        error = $"Network {network} is not supported.";
        return false;
    }
}
