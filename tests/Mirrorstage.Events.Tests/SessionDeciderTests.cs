using Mirrorstage.Events;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Events.Tests;

/// <summary>Given events, when a command, then events: no database.</summary>
public class SessionDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReferenceImage Face = new("references/a.png", "crops/a-256.png", 256);
    private const string Wallet = "0x1111111111111111111111111111111111111111";

    private static SessionCreated Created(int minutes = 15) =>
        new("s1", "token-hash", Face, "rtmp", "rtmp://example.com/live/k", minutes, 1_000_000, Wallet, T0);

    private static Session Given(params object[] events) =>
        events.Skip(1).Aggregate(Session.Create((SessionCreated)events[0]), Session.When);

    [Fact]
    public void Create_records_the_session_its_payment_and_first_share_link()
    {
        var payment = new SettledPayment("eip155:8453", Wallet, "0xusdc", 1_000_000, "0xtx", "key");
        var events = SessionDecider.Decide(new CreateSession("s1", "th", "sh", Face, "rtmp", "rtmp://h/live/k", 15, 1_000_000, Wallet, payment, 0, T0));

        Assert.Collection(events,
            e => Assert.Equal(new SessionCreated("s1", "th", Face, "rtmp", "rtmp://h/live/k", 15, 1_000_000, Wallet, T0), e),
            e => Assert.Equal(new PaymentSettled("s1", "create", "eip155:8453", Wallet, "0xusdc", 1_000_000, "0xtx", "key", T0), e),
            e => Assert.Equal(new ShareLinkCreated("s1", 1, "sh", T0), e));
    }

    [Fact]
    public void Create_paid_with_credits_records_the_credits_spent()
    {
        var events = SessionDecider.Decide(new CreateSession("s1", "th", "sh", Face, "hls", null, 15, 1_000_000, Wallet, null, 1_000_000, T0));
        Assert.Contains(new CreditsSpent("s1", Wallet, 1_000_000, "create", T0), events);
    }

    [Fact]
    public void Extending_a_warming_session_adds_minutes_but_no_expiry_yet()
    {
        var state = Given(Created());
        var events = SessionDecider.Decide(state, new ExtendSession(5, 500_000, Wallet, null, T0.AddMinutes(1)));

        Assert.Equal([new SessionExtended("s1", 5, 500_000, T0.AddMinutes(1))], events);
        var after = events.Aggregate(state, Session.When);
        Assert.Equal(20, after.DurationMinutes);
        Assert.Null(after.ExpiresAt);
    }

    [Fact]
    public void Extending_an_active_session_moves_its_expiry()
    {
        var state = Given(Created(), new SessionClaimed("s1", "w1", T0), new SessionActivated("s1", "w1", T0.AddSeconds(30), T0.AddSeconds(30).AddMinutes(15)));
        var after = SessionDecider.Decide(state, new ExtendSession(10, 1_000_000, null, null, T0.AddMinutes(2))).Aggregate(state, Session.When);
        Assert.Equal(T0.AddSeconds(30).AddMinutes(25), after.ExpiresAt);
    }

    [Fact]
    public void Extending_from_another_wallet_is_forbidden()
    {
        var state = Given(Created());
        var e = Assert.Throws<DomainException>(() =>
            SessionDecider.Decide(state, new ExtendSession(5, 500_000, "0x2222222222222222222222222222222222222222", null, T0)));
        Assert.Equal((DomainError.Forbidden, "wallet_mismatch"), (e.Kind, e.Code));
    }

    [Fact]
    public void Extending_from_the_same_wallet_in_other_case_is_allowed()
    {
        var state = Given(Created());
        var events = SessionDecider.Decide(state, new ExtendSession(5, 500_000, Wallet.ToUpperInvariant().Replace("0X", "0x"), null, T0));
        Assert.Single(events);
    }

    [Theory]
    [InlineData("ended")]
    [InlineData("failed")]
    public void Extending_a_finished_session_is_a_conflict(string how)
    {
        object last = how == "ended" ? new SessionEnded("s1", "deleted", 0, T0) : new SessionFailed("s1", "no_worker", T0);
        var e = Assert.Throws<DomainException>(() => SessionDecider.Decide(Given(Created(), last), new ExtendSession(5, 0, null, null, T0)));
        Assert.Equal((DomainError.Conflict, "session_not_extendable"), (e.Kind, e.Code));
    }

    [Fact]
    public void Ending_counts_gpu_seconds_from_the_workers_claim()
    {
        var state = Given(Created(), new SessionClaimed("s1", "w1", T0.AddSeconds(10)), new SessionActivated("s1", "w1", T0.AddSeconds(40), T0.AddMinutes(16)));
        var events = SessionDecider.Decide(state, new EndSession("client", "deleted", T0.AddSeconds(430)));
        Assert.Equal(
            [new SessionEndRequested("s1", "client", T0.AddSeconds(430)), new SessionEnded("s1", "deleted", 420, T0.AddSeconds(430))],
            events);
    }

    [Fact]
    public void Ending_an_unclaimed_session_used_no_gpu()
    {
        var events = SessionDecider.Decide(Given(Created()), new EndSession("client", "deleted", T0.AddMinutes(3)));
        Assert.Equal(0, events.OfType<SessionEnded>().Single().GpuSecondsUsed);
    }

    [Fact]
    public void Ending_an_ended_session_is_already_satisfied()
    {
        var state = Given(Created(), new SessionEnded("s1", "deleted", 0, T0));
        Assert.Empty(SessionDecider.Decide(state, new EndSession("client", "deleted", T0.AddMinutes(1))));
    }

    [Fact]
    public void Changing_the_face_of_a_live_session_records_the_new_reference()
    {
        var other = new ReferenceImage("references/b.png", "crops/b-256.png", 256);
        var state = Given(Created(), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)));
        Assert.Equal([new ReferenceChanged("s1", other, T0.AddMinutes(1))], SessionDecider.Decide(state, new ChangeReference(other, T0.AddMinutes(1))));
    }

    [Fact]
    public void The_same_face_again_changes_nothing()
    {
        var other = new ReferenceImage("references/b.png", "crops/b-256.png", 256);
        Assert.Empty(SessionDecider.Decide(Given(Created()), new ChangeReference(Face, T0)));
        Assert.Empty(SessionDecider.Decide(Given(Created(), new ReferenceChanged("s1", other, T0)), new ChangeReference(other, T0)));
    }

    [Fact]
    public void The_face_of_an_ended_session_cannot_change()
    {
        var state = Given(Created(), new SessionEnded("s1", "deleted", 0, T0));
        var error = Assert.Throws<DomainException>(() => SessionDecider.Decide(state, new ChangeReference(Face with { CropKey = "crops/c.png" }, T0)));
        Assert.Equal(("session_not_open", DomainError.Conflict), (error.Code, error.Kind));
    }

    [Fact]
    public void Share_links_are_numbered_in_order()
    {
        var state = Given(Created(), new ShareLinkCreated("s1", 1, "a", T0), new ShareLinkCreated("s1", 2, "b", T0));
        Assert.Equal([new ShareLinkCreated("s1", 3, "c", T0)], SessionDecider.Decide(state, new ShareSession("c", T0)));
    }

    [Fact]
    public void A_failed_session_cannot_be_shared()
    {
        var state = Given(Created(), new SessionFailed("s1", "no_face", T0));
        Assert.Equal("session_failed", Assert.Throws<DomainException>(() => SessionDecider.Decide(state, new ShareSession("c", T0))).Code);
    }

    [Fact]
    public void Resuming_after_an_interruption_takes_the_new_expiry_and_worker()
    {
        var state = Given(Created(), new SessionClaimed("s1", "w1", T0), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)),
            new SessionInterrupted("s1", "w1", T0.AddMinutes(5)), new SessionResumed("s1", "w2", T0.AddMinutes(6), T0.AddMinutes(16)));
        Assert.Equal(("w2", T0.AddMinutes(16), (DateTimeOffset?)null), (state.ClaimedBy, state.ExpiresAt, state.InterruptedAt));
    }
}

public class SessionFailureTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReferenceImage Face = new("references/a.png", "crops/a-256.png", 256);

    private static Session Paid() => new object[]
    {
        new PaymentSettled("s1", "create", "eip155:8453", "0xw", "0xusdc", 1_000_000, "0xtx", "k1", T0),
        new PaymentSettled("s1", "extend", "eip155:8453", "0xw", "0xusdc", 500_000, "0xtx2", "k2", T0),
    }.Aggregate(Session.Create(new SessionCreated("s1", "th", Face, "hls", null, 15, 1_000_000, "0xw", T0)), Session.When);

    [Fact]
    public void A_session_that_never_went_live_is_refunded_everything_it_paid()
    {
        var state = Paid();
        Assert.Equal([new SessionFailed("s1", "no_worker", T0)], SessionDecider.Decide(state, new FailSession("no_worker", T0)));
        Assert.Equal(1_500_000, SessionDecider.RefundOnFailure(state, T0));
    }

    [Fact]
    public void A_session_that_fails_after_going_live_gets_back_the_paid_time_it_still_had()
    {
        var live = Session.When(Paid(), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)));
        // Recorded without free minutes: 1,500,000 over 15 priced minutes; failing 6 minutes in leaves 9 of them.
        Assert.Equal(900_000, SessionDecider.RefundOnFailure(live, T0.AddMinutes(6)));
        Assert.Equal(0, SessionDecider.RefundOnFailure(live, T0.AddMinutes(15)));
        Assert.Equal("session_failed_after_live", SessionDecider.FailureRefundReason(live));
        Assert.Equal("session_failed_before_live", SessionDecider.FailureRefundReason(Paid()));
    }

    [Fact]
    public void Failing_a_finished_session_is_already_satisfied() =>
        Assert.Empty(SessionDecider.Decide(Session.When(Paid(), new SessionEnded("s1", "deleted", 0, T0)), new FailSession("x", T0)));
}

public class WorkerDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 24, 12, 0, 0, TimeSpan.Zero);
    private static Session Warming() => Session.Create(new SessionCreated("s1", "th", new ReferenceImage("r", "c", 256), "rtmp", "rtmp://h/l/k", 15, 0, null, T0));

    [Fact]
    public void A_warming_session_is_claimed_once()
    {
        var claimed = SessionDecider.Decide(Warming(), new ClaimSession("w1", T0)).Aggregate(Warming(), Session.When);
        Assert.Equal("w1", claimed.ClaimedBy);
        Assert.Empty(SessionDecider.Decide(claimed, new ClaimSession("w2", T0)));
    }

    [Fact]
    public void Only_the_claiming_worker_activates_and_the_expiry_counts_from_then()
    {
        var claimed = Session.When(Warming(), new SessionClaimed("s1", "w1", T0));
        Assert.Empty(SessionDecider.Decide(claimed, new ActivateSession("w2", T0)));
        Assert.Equal([new SessionActivated("s1", "w1", T0.AddSeconds(20), T0.AddSeconds(20).AddMinutes(15))],
            SessionDecider.Decide(claimed, new ActivateSession("w1", T0.AddSeconds(20))));
    }

    [Fact]
    public void A_live_session_ends_at_its_expiry_and_not_before()
    {
        var live = new object[] { new SessionClaimed("s1", "w1", T0), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)) }.Aggregate(Warming(), Session.When);
        Assert.Empty(SessionDecider.Decide(live, new ExpireSession(T0.AddMinutes(14))));
        Assert.Equal([new SessionEnded("s1", "expired", 900, T0.AddMinutes(15))], SessionDecider.Decide(live, new ExpireSession(T0.AddMinutes(15))));
    }

    [Fact]
    public void An_extension_recorded_at_the_expiry_is_honoured_and_one_after_the_end_is_refused()
    {
        var live = new object[] { new SessionClaimed("s1", "w1", T0), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)) }.Aggregate(Warming(), Session.When);
        var extended = SessionDecider.Decide(live, new ExtendSession(5, 500_000, null, null, T0.AddMinutes(15))).Aggregate(live, Session.When);
        Assert.Empty(SessionDecider.Decide(extended, new ExpireSession(T0.AddMinutes(15))));
        var ended = SessionDecider.Decide(live, new ExpireSession(T0.AddMinutes(15))).Aggregate(live, Session.When);
        Assert.Equal("session_not_extendable",
            Assert.Throws<DomainException>(() => SessionDecider.Decide(ended, new ExtendSession(5, 500_000, null, null, T0.AddMinutes(15)))).Code);
    }

    [Fact]
    public void An_extension_paid_with_credits_records_the_spend()
    {
        var live = new object[] { new SessionClaimed("s1", "w1", T0), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)) }.Aggregate(Warming(), Session.When);
        var events = SessionDecider.Decide(live, new ExtendSession(10, 1_000_000, "0xabc", null, T0, CreditsAtomic: 1_000_000));
        Assert.Equal(new CreditsSpent("s1", "0xabc", 1_000_000, "extend", T0), Assert.Single(events.OfType<CreditsSpent>()));
    }
}

public class FailoverDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 24, 12, 0, 0, TimeSpan.Zero);

    private static Session Live() => new object[]
    {
        new SessionClaimed("s1", "w1", T0), new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)),
    }.Aggregate(Session.Create(new SessionCreated("s1", "th", new ReferenceImage("r", "c", 256), "rtmp", "rtmp://h/l/k", 15, 0, null, T0)), Session.When);

    [Fact]
    public void A_lost_worker_interrupts_its_session_once()
    {
        var events = SessionDecider.Decide(Live(), new InterruptSession("w1", T0.AddMinutes(5)));
        Assert.Equal([new SessionInterrupted("s1", "w1", T0.AddMinutes(5))], events);
        Assert.Empty(SessionDecider.Decide(events.Aggregate(Live(), Session.When), new InterruptSession("w1", T0.AddMinutes(6))));
        Assert.Empty(SessionDecider.Decide(Live(), new InterruptSession("w2", T0.AddMinutes(5))));
    }

    [Fact]
    public void Another_worker_resumes_it_and_the_downtime_is_added_back()
    {
        var interrupted = Session.When(Live(), new SessionInterrupted("s1", "w1", T0.AddMinutes(5)));
        var resumed = SessionDecider.Decide(interrupted, new ClaimSession("w2", T0.AddMinutes(5).AddSeconds(12)));
        Assert.Equal([new SessionResumed("s1", "w2", T0.AddMinutes(5).AddSeconds(12), T0.AddMinutes(15).AddSeconds(12))], resumed);
        Assert.Empty(SessionDecider.Decide(resumed.Aggregate(interrupted, Session.When), new ClaimSession("w3", T0.AddMinutes(6))));
    }

    [Fact]
    public void A_healthy_live_session_cannot_be_claimed() =>
        Assert.Empty(SessionDecider.Decide(Live(), new ClaimSession("w2", T0.AddMinutes(1))));

    private static Session LostAfterFiveMinutes() => new object[]
    {
        new PaymentSettled("s1", "create", "eip155:8453", "0xw", "0xusdc", 1_000_000, "0xtx", "k1", T0),
        new SessionClaimed("s1", "w1", T0),
        new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)),
        new SessionInterrupted("s1", "w1", T0.AddMinutes(5)),
    }.Aggregate(Session.Create(new SessionCreated("s1", "th", new ReferenceImage("r", "c", 256), "hls", null, 15, 1_000_000, "0xw", T0)), Session.When);

    [Fact]
    public void A_lost_session_nobody_resumed_ends_with_gpu_time_up_to_the_loss_and_refunds_the_time_it_had_left()
    {
        var state = LostAfterFiveMinutes();
        Assert.Equal([new SessionEnded("s1", "worker_lost", 300, T0.AddHours(1))], SessionDecider.Decide(state, new AbandonLostSession(T0.AddHours(1))));
        Assert.Equal(666_666, SessionDecider.RefundOnWorkerLost(state)); // recorded without free minutes: 10 of 15 priced minutes, rounded down
    }

    [Fact]
    public void A_lost_session_refunds_its_paid_minutes_left_and_the_free_minutes_are_the_first_used()
    {
        // 15 minutes, the first 5 free, 1,000,000 for the other 10; lost 8 minutes in: 3 paid minutes used.
        var lostAfterEight = new object[]
        {
            new PaymentSettled("s1", "create", "eip155:8453", "0xw", "0xusdc", 1_000_000, "0xtx", "k1", T0),
            new SessionClaimed("s1", "w1", T0),
            new SessionActivated("s1", "w1", T0, T0.AddMinutes(15)),
            new SessionInterrupted("s1", "w1", T0.AddMinutes(8)),
        }.Aggregate(Session.Create(new SessionCreated("s1", "th", new ReferenceImage("r", "c", 256), "hls", null, 15, 1_000_000, "0xw", T0, FreeMinutes: 5)), Session.When);
        Assert.Equal(700_000, SessionDecider.RefundOnWorkerLost(lostAfterEight));

        // Lost within the free minutes: none of the paid time was used, all of it comes back.
        var lostAfterTwo = Session.When(lostAfterEight with { InterruptedAt = null }, new SessionInterrupted("s1", "w1", T0.AddMinutes(2)));
        Assert.Equal(1_000_000, SessionDecider.RefundOnWorkerLost(lostAfterTwo));
    }

    [Fact]
    public void Only_an_interrupted_live_session_can_be_given_up()
    {
        var resumed = Session.When(LostAfterFiveMinutes(), new SessionResumed("s1", "w2", T0.AddMinutes(6), T0.AddMinutes(16)));
        Assert.Empty(SessionDecider.Decide(resumed, new AbandonLostSession(T0.AddHours(1))));
        Assert.Empty(SessionDecider.Decide(Live(), new AbandonLostSession(T0.AddHours(1))));
        Assert.Equal(0, SessionDecider.RefundOnWorkerLost(Live()));
    }

    [Fact]
    public void Gpu_time_across_a_failover_counts_both_workers_but_not_the_downtime()
    {
        var state = Session.When(LostAfterFiveMinutes(), new SessionResumed("s1", "w2", T0.AddMinutes(8), T0.AddMinutes(18)));
        var ended = SessionDecider.Decide(state, new EndSession("client", "deleted", T0.AddMinutes(10)));
        // 5 minutes on w1, 3 minutes down, 2 minutes on w2.
        Assert.Equal(420, ended.OfType<SessionEnded>().Single().GpuSecondsUsed);
    }
}
