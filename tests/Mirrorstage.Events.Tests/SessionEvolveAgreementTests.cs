using System.Reflection;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Events.Tests;

/// <summary>A session is evolved twice: <see cref="Session.When"/> (the write model decisions read) and
/// <see cref="SessionViewProjection"/> (the read model the API answers from). Every fact they both hold must
/// agree after every event of every kind; a new session event that these streams do not exercise fails here.</summary>
public class SessionEvolveAgreementTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReferenceImage Face = new("originals/a.png", "crops/a.png", 256);

    private static SessionCreated Created(string id) => new(id, "hash-" + id, Face, "rtmp", "rtmp://x/live/k", 15, 1_000_000, "0xabc", T0);

    private static IEnumerable<object[]> Streams() =>
    [
        [new object[]
        {
            Created("happy"), new PaymentSettled("happy", "create", "eip155:8453", "0xabc", "usdc", 1_000_000, "0xt", "k1", T0),
            new SessionClaimed("happy", "w1", T0.AddSeconds(2)), new SessionActivated("happy", "w1", T0.AddSeconds(5), T0.AddMinutes(15)),
            new ShareLinkCreated("happy", 1, "share-1", T0.AddMinutes(1)), new ShareLinkCreated("happy", 2, "share-2", T0.AddMinutes(2)),
            new ReferenceChanged("happy", new ReferenceImage("originals/b.png", "crops/b.png", 256), T0.AddMinutes(3)),
            new SessionExtended("happy", 10, 1_000_000, T0.AddMinutes(4)),
            new PaymentSettled("happy", "extend", "eip155:8453", "0xabc", "usdc", 1_000_000, "0xu", "k2", T0.AddMinutes(4)),
            new RecordingStored("happy", "recordings/happy/1.mp4", 1234, "w1", T0.AddMinutes(5)),
            new SessionEndRequested("happy", "owner", T0.AddMinutes(6)),
            new SessionEnded("happy", "ended_by_owner", 355, T0.AddMinutes(6)),
        }],
        [new object[]
        {
            Created("failover"), new CreditsSpent("failover", "0xabc", 500_000, "create", T0),
            new SessionClaimed("failover", "w1", T0.AddSeconds(1)), new SessionActivated("failover", "w1", T0.AddSeconds(3), T0.AddMinutes(15)),
            new SessionInterrupted("failover", "w1", T0.AddMinutes(2)),
            new SessionResumed("failover", "w2", T0.AddMinutes(2).AddSeconds(6), T0.AddMinutes(15).AddSeconds(6)),
            new SessionEnded("failover", "expired", 894, T0.AddMinutes(15).AddSeconds(6)),
        }],
        [new object[] { Created("failed"), new SessionClaimed("failed", "w1", T0.AddSeconds(1)), new SessionFailed("failed", "render_failed", T0.AddSeconds(9)) }],
    ];

    public static IEnumerable<object[]> Cases => Streams();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_and_read_models_agree_after_every_event(object[] stream)
    {
        var projection = new SessionViewProjection();
        var created = (SessionCreated)stream[0];
        var session = Session.Create(created);
        var view = projection.Create(created);
        Agree(session, view, created);
        foreach (var e in stream.Skip(1))
        {
            session = Session.When(session, e);
            typeof(SessionViewProjection).GetMethod("Apply", [e.GetType(), typeof(SessionView)])?.Invoke(projection, [e, view]);
            Agree(session, view, e);
        }
    }

    [Fact]
    public void The_streams_exercise_every_session_event()
    {
        // Session facts: the records of the sessions namespace that carry a SessionId and are not commands.
        var commands = typeof(SessionDecider).GetMethods().Where(m => m.Name == "Decide").SelectMany(m => m.GetParameters()).Select(p => p.ParameterType).ToHashSet();
        var events = typeof(SessionCreated).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(SessionCreated).Namespace && t.GetProperty("SessionId") is not null && t.GetMethod("<Clone>$") is not null && !commands.Contains(t))
            .ToHashSet();
        var exercised = Streams().SelectMany(s => (object[])s[0]).Select(e => e.GetType()).ToHashSet();
        Assert.NotEmpty(events);
        Assert.Empty(events.Except(exercised).Select(t => t.Name));
    }

    private static void Agree(Session s, SessionView v, object after)
    {
        var name = after.GetType().Name;
        Assert.True((s.Id, s.Status, s.TokenHash, s.Wallet, s.DurationMinutes, s.CreatedAt) == (v.Id, v.Status, v.TokenHash, v.Wallet, v.DurationMinutes, v.CreatedAt), $"identity after {name}");
        Assert.True((s.ClaimedBy, s.ClaimedAt, s.StartedAt, s.ExpiresAt, s.InterruptedAt, s.EndedAt) == (v.ClaimedBy, v.ClaimedAt, v.StartedAt, v.ExpiresAt, v.InterruptedAt, v.EndedAt), $"times after {name}");
        Assert.True(s.PaidAtomic == v.PaidAtomic + v.CreditsAtomic, $"paid after {name}: {s.PaidAtomic} vs {v.PaidAtomic} + {v.CreditsAtomic}");
        Assert.True(s.CropKey == v.Reference?.CropKey, $"face after {name}");
        Assert.True(s.ShareCount == v.ShareTokenHashes.Count, $"shares after {name}");
        Assert.True(s.IsOpen == v.Status is SessionStatus.Warming or SessionStatus.Active, $"open after {name}");
    }
}
