using Mirrorstage.Events.Sessions;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>What a paid request asks for. The fingerprint names the request, so that a retry of the same
/// request with the same payload is recognised (and not charged twice).</summary>
public sealed record PaymentDemand(
    string Purpose,
    long AmountAtomic,
    string Description,
    string RequestFingerprint,
    Action<string>? CheckPayer = null,
    string? CreditWallet = null);

public abstract record PaymentResult
{
    /// <summary>Price 0: nothing to collect.</summary>
    public sealed record Free : PaymentResult;

    /// <summary>Money moved: record it with what it paid for, in the same transaction.</summary>
    public sealed record Settled(SettledPayment Payment, SettleResponse Response) : PaymentResult;

    /// <summary>Paid from the wallet's credits, proven by its signature over our challenge.</summary>
    public sealed record Credits(CreditChallenges.Proof Proof) : PaymentResult
    {
        public string Key => "credit|" + Proof.Nonce;
    }

    /// <summary>This exact request was already paid and recorded: answer as before, charge nothing.</summary>
    public sealed record AlreadyRecorded(string SessionId, SettleResponse? Response) : PaymentResult;
}
