using Mirrorstage.X402;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>What a paid request asks for. The fingerprint names the request, so that a retry of the same
/// request with the same payment is recognised (and not charged twice).</summary>
public sealed record PaymentDemand(
    string Purpose,
    long AmountAtomic,
    string Description,
    string RequestFingerprint,
    Action<string>? CheckPayer = null,
    string? CreditWallet = null);

/// <summary>A PAYMENT-SIGNATURE decoded once per request: its payload, our requirement it matched, what
/// identifies it on chain, and the client's own key for the request.</summary>
public sealed record PaymentAttempt(string Header, PaymentPayload Payload, PaymentRequirements Requirement, PaymentIdentity Identity, string? ClientKeyHash);

/// <summary>The order is paid and recorded: answer with this session (and the PAYMENT-RESPONSE first sent).</summary>
public sealed record PaidFor(string SessionId, SettleResponse? Response);
