namespace Mirrorstage.Events.Sessions;

// Facts on a session stream (stream key = session id). Stored events are the audit record:
// never change what one means; add a new one instead.

/// <summary>A paid (or free) render session was opened. Tokens are only ever stored as SHA-256 hashes.
/// FreeMinutes: how many of DurationMinutes were free (the first ones); 0 on sessions recorded before it was.</summary>
public sealed record SessionCreated(
    string SessionId,
    string TokenHash,
    ReferenceImage Reference,
    string OutputProtocol,
    string? OutputUrl,
    int DurationMinutes,
    long PriceAtomic,
    string? Wallet,
    DateTimeOffset CreatedAt,
    int FreeMinutes = 0);

/// <summary>Where a reference photo and its face crop live in the blob store.</summary>
public sealed record ReferenceImage(string OriginalKey, string CropKey, int CropSize);

/// <summary>Money moved on chain for this session (creation or extension): AmountAtomic of Asset from Payer to
/// PayTo (null on payments recorded before it was) in Transaction. On a session stream it paid for the session; on
/// a wallet stream it bought nothing (the session or extension could not be recorded or served) and the
/// CreditGranted after it, with the same PaymentKey, is what it became; SessionId is then the order's.</summary>
public sealed record PaymentSettled(
    string SessionId,
    string Purpose,
    string Network,
    string Payer,
    string Asset,
    long AmountAtomic,
    string Transaction,
    string PaymentKey,
    DateTimeOffset SettledAt,
    string? PayTo = null);

/// <summary>Wallet credits paid for (part of) this session; the wallet stream records the matching CreditSpent.</summary>
public sealed record CreditsSpent(string SessionId, string Wallet, long AmountAtomic, string Purpose, DateTimeOffset SpentAt);

public sealed record SessionClaimed(string SessionId, string WorkerId, DateTimeOffset ClaimedAt);

public sealed record SessionActivated(string SessionId, string WorkerId, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt);

public sealed record SessionExtended(string SessionId, int AddedMinutes, long PriceAtomic, DateTimeOffset ExtendedAt);

public sealed record ReferenceChanged(string SessionId, ReferenceImage Reference, DateTimeOffset ChangedAt);

public sealed record ShareLinkCreated(string SessionId, int ShareNumber, string ShareTokenHash, DateTimeOffset CreatedAt);

public sealed record SessionEndRequested(string SessionId, string RequestedBy, DateTimeOffset RequestedAt);

public sealed record SessionInterrupted(string SessionId, string WorkerId, DateTimeOffset InterruptedAt);

public sealed record SessionResumed(string SessionId, string WorkerId, DateTimeOffset ResumedAt, DateTimeOffset NewExpiresAt);

public sealed record SessionEnded(string SessionId, string Reason, long GpuSecondsUsed, DateTimeOffset EndedAt);

public sealed record SessionFailed(string SessionId, string FailureReason, DateTimeOffset FailedAt);

/// <summary>An MP4 recording of (part of) the session, kept in the blob store. A session resumed after a
/// worker was lost has one recording per worker that streamed it.</summary>
public sealed record RecordingStored(string SessionId, string BlobKey, long Bytes, string WorkerId, DateTimeOffset StoredAt);
