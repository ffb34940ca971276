namespace Mirrorstage.Events.Sessions;

/// <summary>Pure decisions for the session stream: state and command in, new facts out.</summary>
public static class SessionDecider
{
    public static object[] Decide(CreateSession c)
    {
        var events = new List<object>
        {
            new SessionCreated(c.SessionId, c.TokenHash, c.Reference, c.OutputProtocol, c.OutputUrl,
                c.DurationMinutes, c.PriceAtomic, c.Wallet, c.Now, c.FreeMinutes),
        };
        if (c.Payment is { } p)
            events.Add(new PaymentSettled(c.SessionId, "create", p.Network, p.Payer, p.Asset, p.AmountAtomic, p.Transaction, p.PaymentKey, c.Now, p.PayTo));
        if (c.CreditsAtomic > 0)
            events.Add(new CreditsSpent(c.SessionId, c.Wallet ?? throw new DomainException(DomainError.Invalid, "wallet_required", "Paying with credits needs a wallet."), c.CreditsAtomic, "create", c.Now));
        events.Add(new ShareLinkCreated(c.SessionId, 1, c.ShareTokenHash, c.Now));
        return [.. events];
    }

    public static object[] Decide(Session s, ShareSession c)
    {
        if (s.Status == SessionStatus.Failed)
            throw new DomainException(DomainError.Conflict, "session_failed", "This session failed; there is nothing to share.");
        return [new ShareLinkCreated(s.Id, s.ShareCount + 1, c.ShareTokenHash, c.Now)];
    }

    /// <summary>Checks that an extension may be paid for, before any money moves.</summary>
    public static void EnsureExtendable(Session s, string? payerWallet)
    {
        if (!s.IsOpen)
            throw new DomainException(DomainError.Conflict, "session_not_extendable", $"Only warming or active sessions can be extended; this one is {s.Status.ToString().ToLowerInvariant()}.");
        if (payerWallet is not null && s.Wallet is not null && !Wallets.WalletAddress.SameWallet(s.Wallet, payerWallet))
            throw new DomainException(DomainError.Forbidden, "wallet_mismatch", "Extensions must be paid from the wallet that paid for the session.");
    }

    public static object[] Decide(Session s, ExtendSession c)
    {
        EnsureExtendable(s, c.PayerWallet);
        var events = new List<object> { new SessionExtended(s.Id, c.Minutes, c.PriceAtomic, c.Now) };
        if (c.Payment is { } p)
            events.Add(new PaymentSettled(s.Id, "extend", p.Network, p.Payer, p.Asset, p.AmountAtomic, p.Transaction, p.PaymentKey, c.Now, p.PayTo));
        if (c.CreditsAtomic > 0)
            events.Add(new CreditsSpent(s.Id, c.PayerWallet ?? s.Wallet ?? throw new DomainException(DomainError.Invalid, "wallet_required", "Paying with credits needs a wallet."), c.CreditsAtomic, "extend", c.Now));
        return [.. events];
    }

    /// <summary>A new face for a warming or live session; the same face again changes nothing.</summary>
    public static object[] Decide(Session s, ChangeReference c)
    {
        if (!s.IsOpen)
            throw new DomainException(DomainError.Conflict, "session_not_open", $"The face of a {s.Status.ToString().ToLowerInvariant()} session cannot change.");
        return s.CropKey == c.Reference.CropKey ? [] : [new ReferenceChanged(s.Id, c.Reference, c.Now)];
    }

    /// <summary>A recording is a fact whatever the session's state: it is stored after the session ended.</summary>
    public static object[] Decide(Session s, StoreRecording c) =>
        [new RecordingStored(s.Id, c.BlobKey, c.Bytes, c.WorkerId, c.Now)];

    /// <summary>Ending an ended session is already satisfied: no events, no error.</summary>
    public static object[] Decide(Session s, EndSession c)
    {
        if (!s.IsOpen) return [];
        return
        [
            new SessionEndRequested(s.Id, c.RequestedBy, c.Now),
            new SessionEnded(s.Id, c.Reason, s.GpuSecondsAt(c.Now), c.Now),
        ];
    }

    /// <summary>A session that could not be served. Failing a finished session is already satisfied.</summary>
    public static object[] Decide(Session s, FailSession c) =>
        s.IsOpen ? [new SessionFailed(s.Id, c.FailureReason, c.Now)] : [];

    /// <summary>An interrupted session nobody resumed ends as "worker_lost"; GPU time counts up to the loss.</summary>
    public static object[] Decide(Session s, AbandonLostSession c) =>
        s is { Status: SessionStatus.Active, InterruptedAt: { } lost }
            ? [new SessionEnded(s.Id, "worker_lost", s.GpuSecondsAt(lost), c.Now)]
            : [];

    /// <summary>What a lost session gives back: the paid time it still had when its worker was lost. The free
    /// minutes are the first ones used, so the time left is paid time until it exceeds the paid minutes; what
    /// was paid is spread over the paid minutes only. (Sessions recorded without FreeMinutes count 0 free
    /// minutes: every minute was priced alike, the rule their refunds were made under.)</summary>
    public static long RefundOnWorkerLost(Session s) => s.InterruptedAt is { } lost ? PaidTimeLeft(s, lost) : 0;

    /// <summary>What a failure gives back to the paying wallet: everything, if the session never went live; once
    /// live (its output dropped for good, say), the paid time it still had when it failed, as for a lost worker.</summary>
    public static long RefundOnFailure(Session s, DateTimeOffset failedAt) =>
        s.StartedAt is null ? s.PaidAtomic : PaidTimeLeft(s, failedAt);

    /// <summary>The refund reason a failure's credit carries.</summary>
    public static string FailureRefundReason(Session s) => s.StartedAt is null ? "session_failed_before_live" : "session_failed_after_live";

    /// <summary>The paid share of the time a live session still had at a moment: the free minutes are the first
    /// ones used, and what was paid is spread over the paid minutes only.</summary>
    private static long PaidTimeLeft(Session s, DateTimeOffset at)
    {
        var paidSeconds = (s.DurationMinutes - s.FreeMinutes) * 60m;
        if (s.ExpiresAt is not { } expires || paidSeconds <= 0) return 0;
        var left = Math.Clamp((decimal)(expires - at).TotalSeconds, 0, paidSeconds);
        return (long)Math.Floor(s.PaidAtomic * left / paidSeconds);
    }

    /// <summary>A worker takes a warming session nobody holds, or resumes a live one whose worker was lost:
    /// the downtime is added back to its expiry. Anything else is not this worker's to take.</summary>
    public static object[] Decide(Session s, ClaimSession c) => s switch
    {
        { Status: SessionStatus.Warming, ClaimedBy: null } => [new SessionClaimed(s.Id, c.WorkerId, c.Now)],
        { Status: SessionStatus.Active, InterruptedAt: { } lost, ExpiresAt: { } expires } =>
            [new SessionResumed(s.Id, c.WorkerId, c.Now, expires + (c.Now - lost))],
        _ => [],
    };

    /// <summary>The worker holding a live session stopped renewing its lease: the session waits for another.</summary>
    public static object[] Decide(Session s, InterruptSession c) =>
        s.Status == SessionStatus.Active && s.ClaimedBy == c.LostWorkerId && s.InterruptedAt is null
            ? [new SessionInterrupted(s.Id, c.LostWorkerId, c.LostAt)]
            : [];

    /// <summary>The billable timer starts when the claiming worker goes live.</summary>
    public static object[] Decide(Session s, ActivateSession c) =>
        s.Status == SessionStatus.Warming && s.ClaimedBy == c.WorkerId
            ? [new SessionActivated(s.Id, c.WorkerId, c.Now, c.Now.AddMinutes(s.DurationMinutes))]
            : [];

    public static object[] Decide(Session s, ExpireSession c) =>
        s.Status == SessionStatus.Active && s.ExpiresAt <= c.Now
            ? [new SessionEnded(s.Id, "expired", s.GpuSecondsAt(c.Now), c.Now)]
            : [];
}
