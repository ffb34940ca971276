using Marten.Events.Aggregation;

namespace Mirrorstage.Events.Sessions;

/// <summary>What the HTTP API reads for a session. One document per session, updated inline with each append.</summary>
public sealed class SessionView
{
    public string Id { get; set; } = "";
    public SessionStatus Status { get; set; }
    public string TokenHash { get; set; } = "";
    public List<string> ShareTokenHashes { get; set; } = [];
    public string OutputProtocol { get; set; } = "";
    public string? OutputUrl { get; set; }
    public ReferenceImage? Reference { get; set; }
    public int DurationMinutes { get; set; }
    public long PaidAtomic { get; set; }
    public long CreditsAtomic { get; set; }
    public string? Wallet { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? InterruptedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndReason { get; set; }
    public long? GpuSecondsUsed { get; set; }
    public string? FailureReason { get; set; }
    public List<string> Recordings { get; set; } = [];

    public bool Ready => Status == SessionStatus.Active;

    public long RemainingSecondsAt(DateTimeOffset now) => Status switch
    {
        SessionStatus.Warming => DurationMinutes * 60L,
        SessionStatus.Active when ExpiresAt is { } e => (long)Math.Max(0, Math.Ceiling((e - now).TotalSeconds)),
        _ => 0,
    };
}

public partial class SessionViewProjection : SingleStreamProjection<SessionView, string>
{
    public SessionView Create(SessionCreated e) => new()
    {
        Id = e.SessionId,
        Status = SessionStatus.Warming,
        TokenHash = e.TokenHash,
        OutputProtocol = e.OutputProtocol,
        OutputUrl = e.OutputUrl,
        Reference = e.Reference,
        DurationMinutes = e.DurationMinutes,
        Wallet = e.Wallet,
        CreatedAt = e.CreatedAt,
    };

    /// <summary>A settlement before any SessionCreated is one on a wallet stream (money that bought credit): it starts no view.</summary>
    public SessionView? Create(PaymentSettled e) => null;

    public void Apply(PaymentSettled e, SessionView v) => v.PaidAtomic += e.AmountAtomic;
    public void Apply(CreditsSpent e, SessionView v) => v.CreditsAtomic += e.AmountAtomic;
    public void Apply(ShareLinkCreated e, SessionView v) => v.ShareTokenHashes.Add(e.ShareTokenHash);
    public void Apply(ReferenceChanged e, SessionView v) => v.Reference = e.Reference;
    public void Apply(RecordingStored e, SessionView v) => v.Recordings.Add(e.BlobKey);

    public void Apply(SessionClaimed e, SessionView v)
    {
        v.ClaimedBy = e.WorkerId;
        v.ClaimedAt = e.ClaimedAt;
    }

    public void Apply(SessionActivated e, SessionView v)
    {
        v.Status = SessionStatus.Active;
        v.StartedAt = e.StartedAt;
        v.ExpiresAt = e.ExpiresAt;
    }

    public void Apply(SessionExtended e, SessionView v)
    {
        v.DurationMinutes += e.AddedMinutes;
        v.ExpiresAt = v.ExpiresAt?.AddMinutes(e.AddedMinutes);
    }

    public void Apply(SessionInterrupted e, SessionView v) => v.InterruptedAt = e.InterruptedAt;

    public void Apply(SessionResumed e, SessionView v)
    {
        v.ClaimedBy = e.WorkerId;
        v.ClaimedAt = e.ResumedAt;
        v.ExpiresAt = e.NewExpiresAt;
        v.InterruptedAt = null;
    }

    public void Apply(SessionEnded e, SessionView v)
    {
        v.Status = SessionStatus.Ended;
        v.EndedAt = e.EndedAt;
        v.EndReason = e.Reason;
        v.GpuSecondsUsed = e.GpuSecondsUsed;
    }

    public void Apply(SessionFailed e, SessionView v)
    {
        v.Status = SessionStatus.Failed;
        v.EndedAt = e.FailedAt;
        v.FailureReason = e.FailureReason;
    }
}
