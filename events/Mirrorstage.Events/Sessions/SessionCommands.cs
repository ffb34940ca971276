namespace Mirrorstage.Events.Sessions;

/// <summary>Everything needed to open a session; ids, hashes and the clock are supplied by the caller.</summary>
public sealed record CreateSession(
    string SessionId,
    string TokenHash,
    string ShareTokenHash,
    ReferenceImage Reference,
    string OutputProtocol,
    string? OutputUrl,
    int DurationMinutes,
    long PriceAtomic,
    string? Wallet,
    SettledPayment? Payment,
    long CreditsAtomic,
    DateTimeOffset Now,
    int FreeMinutes = 0);

/// <summary>A payment that the facilitator reported as settled on chain.</summary>
public sealed record SettledPayment(string Network, string Payer, string Asset, long AmountAtomic, string Transaction, string PaymentKey, string? PayTo = null);

public sealed record ShareSession(string ShareTokenHash, DateTimeOffset Now);

public sealed record ExtendSession(int Minutes, long PriceAtomic, string? PayerWallet, SettledPayment? Payment, DateTimeOffset Now);

public sealed record EndSession(string RequestedBy, string Reason, DateTimeOffset Now);

public sealed record FailSession(string FailureReason, DateTimeOffset Now);

public sealed record ClaimSession(string WorkerId, DateTimeOffset Now);

public sealed record ActivateSession(string WorkerId, DateTimeOffset Now);

public sealed record ExpireSession(DateTimeOffset Now);

public sealed record InterruptSession(string LostWorkerId, DateTimeOffset LostAt);

public sealed record ChangeReference(ReferenceImage Reference, DateTimeOffset Now);

/// <summary>A live session whose worker was lost, and that no worker resumed in time, is given up.</summary>
public sealed record AbandonLostSession(DateTimeOffset Now);

public sealed record StoreRecording(string BlobKey, long Bytes, string WorkerId, DateTimeOffset Now);
