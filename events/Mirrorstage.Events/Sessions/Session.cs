namespace Mirrorstage.Events.Sessions;

public enum SessionStatus { Warming, Active, Ended, Failed }

/// <summary>The write model of one session: just what decisions need, rebuilt from its stream.</summary>
public sealed record Session(
    string Id,
    SessionStatus Status,
    string TokenHash,
    string? Wallet,
    int DurationMinutes,
    DateTimeOffset CreatedAt,
    string? ClaimedBy = null,
    DateTimeOffset? ClaimedAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? ExpiresAt = null,
    DateTimeOffset? InterruptedAt = null,
    DateTimeOffset? EndedAt = null,
    int ShareCount = 0,
    long PaidAtomic = 0,
    string? CropKey = null,
    double GpuSecondsBanked = 0,
    int FreeMinutes = 0)
{
    public bool IsOpen => Status is SessionStatus.Warming or SessionStatus.Active;

    public static Session Create(SessionCreated e) =>
        new(e.SessionId, SessionStatus.Warming, e.TokenHash, e.Wallet, e.DurationMinutes, e.CreatedAt, CropKey: e.Reference.CropKey, FreeMinutes: e.FreeMinutes);

    public static Session When(Session state, object @event) => @event switch
    {
        PaymentSettled e => state with { PaidAtomic = state.PaidAtomic + e.AmountAtomic },
        CreditsSpent e => state with { PaidAtomic = state.PaidAtomic + e.AmountAtomic },
        SessionClaimed e => state with { ClaimedBy = e.WorkerId, ClaimedAt = e.ClaimedAt },
        SessionActivated e => state with { Status = SessionStatus.Active, StartedAt = e.StartedAt, ExpiresAt = e.ExpiresAt },
        SessionExtended e => state with
        {
            DurationMinutes = state.DurationMinutes + e.AddedMinutes,
            ExpiresAt = state.ExpiresAt?.AddMinutes(e.AddedMinutes),
        },
        ShareLinkCreated e => state with { ShareCount = Math.Max(state.ShareCount, e.ShareNumber) },
        ReferenceChanged e => state with { CropKey = e.Reference.CropKey },
        // GPU time is held only while a worker renders: a lost worker's share is banked, and the new one's
        // clock starts when it resumes, so the downtime is never counted.
        SessionInterrupted e => state with { InterruptedAt = e.InterruptedAt, GpuSecondsBanked = state.GpuSecondsBanked + HeldSeconds(state.ClaimedAt, e.InterruptedAt) },
        SessionResumed e => state with { InterruptedAt = null, ClaimedBy = e.WorkerId, ClaimedAt = e.ResumedAt, ExpiresAt = e.NewExpiresAt },
        SessionEnded e => state with { Status = SessionStatus.Ended, EndedAt = e.EndedAt },
        SessionFailed e => state with { Status = SessionStatus.Failed, EndedAt = e.FailedAt },
        _ => state,
    };

    // Marten's live aggregation finds these by convention and delegates to the pure When.
    public Session Apply(PaymentSettled e) => When(this, e);
    public Session Apply(CreditsSpent e) => When(this, e);
    public Session Apply(SessionClaimed e) => When(this, e);
    public Session Apply(SessionActivated e) => When(this, e);
    public Session Apply(SessionExtended e) => When(this, e);
    public Session Apply(ShareLinkCreated e) => When(this, e);
    public Session Apply(ReferenceChanged e) => When(this, e);
    public Session Apply(SessionInterrupted e) => When(this, e);
    public Session Apply(SessionResumed e) => When(this, e);
    public Session Apply(SessionEnded e) => When(this, e);
    public Session Apply(SessionFailed e) => When(this, e);

    /// <summary>Seconds of GPU time held: from each worker's claim (or resume) to the end, the loss of that
    /// worker, or now.</summary>
    public long GpuSecondsAt(DateTimeOffset now) =>
        (long)(GpuSecondsBanked + (InterruptedAt is null ? HeldSeconds(ClaimedAt, EndedAt ?? now) : 0));

    private static double HeldSeconds(DateTimeOffset? from, DateTimeOffset to) =>
        from is { } f ? Math.Max(0, (to - f).TotalSeconds) : 0;
}
