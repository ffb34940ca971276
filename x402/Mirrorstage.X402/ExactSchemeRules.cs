using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;

namespace Mirrorstage.X402;

/// <summary>The "exact" scheme's off-chain rules for any supported network family, so a forged or mismatched
/// payment is refused by the gateway itself before a facilitator (or the chain) is asked.</summary>
public static class ExactSchemeRules
{
    public static VerifyResponse? Check(PaymentPayload payload, PaymentRequirements requirements, DateTimeOffset now) =>
        requirements.Network switch
        {
            var n when n.StartsWith("eip155:", StringComparison.Ordinal) => EvmExactVerifier.Check(payload, requirements, now, out _),
            var n when n.StartsWith("solana:", StringComparison.Ordinal) => SvmExactVerifier.Check(payload, requirements),
            _ => new VerifyResponse(false, "invalid_network", $"Network {requirements.Network} is not supported."),
        };
}
