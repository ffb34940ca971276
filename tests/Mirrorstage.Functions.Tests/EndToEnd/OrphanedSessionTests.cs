using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Sessions nobody is serving: a warm request that never reached a worker is queued again; one
/// that waited too long is given up with a refund instead of starting by surprise; a live session whose
/// worker was lost and that nobody resumed ends with the unused paid time refunded.</summary>
[Collection(GatewayCollection.Name)]
public class OrphanedSessionTests
{
    [Fact]
    public async Task A_session_whose_warm_request_was_lost_is_queued_again_and_goes_live()
    {
        var database = TestEnvironment.Database("mirrorstage_requeue"); // its own: the reaper looks at every session
        var nobodyListens = "lost-" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = LiveRig.AmqpGateway(nobodyListens, new() { ["ConnectionStrings:Marten"] = database });
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut,
            outputUrl: TestEnvironment.NewRtmpUrl()))));
        var id = created["session_id"]!.GetValue<string>();
        var since = Stopwatch.StartNew();

        await using var worker = Reaper(database, "requeue-" + Guid.NewGuid().ToString("N")[..8], gateway.BlobFolder, "requeue-worker",
            new() { ["Mirrorstage:Worker:UnclaimedRequeueSeconds"] = "3" });
        await worker.StartAsync();
        try
        {
            SessionActivated? activated = null;
            while (activated is null && since.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200);
                activated = (await gateway.EventsOfAsync(id)).OfType<SessionActivated>().SingleOrDefault();
            }
            Console.WriteLine($"unclaimed re-queue: live {since.Elapsed.TotalSeconds:0.0} s after creation (threshold 3 s)");
            Assert.NotNull(activated);
            Assert.Equal("requeue-worker", activated.WorkerId);
            var events = await gateway.EventsOfAsync(id);
            var claimed = events.OfType<SessionClaimed>().Single();
            Assert.True(claimed.ClaimedAt - events.OfType<SessionCreated>().Single().CreatedAt >= TimeSpan.FromSeconds(3),
                "claimed before the session counted as unclaimed");
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    [Fact]
    public async Task A_session_nobody_claimed_for_too_long_fails_instead_of_starting_by_surprise()
    {
        var database = TestEnvironment.Database("mirrorstage_abandon");
        using var gateway = LiveRig.AmqpGateway("lost-" + Guid.NewGuid().ToString("N")[..8], new() { ["ConnectionStrings:Marten"] = database });
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: TestEnvironment.NewRtmpUrl()))));
        var id = created["session_id"]!.GetValue<string>();
        var token = created["token"]!.GetValue<string>();

        await using var worker = Reaper(database, "abandon-" + Guid.NewGuid().ToString("N")[..8], gateway.BlobFolder, "reaper", new()
        {
            ["Mirrorstage:Worker:UnclaimedRequeueSeconds"] = "3600", // never re-queued here: only given up
            ["Mirrorstage:Worker:AbandonUnclaimedSeconds"] = "2",
        });
        await worker.StartAsync();
        try
        {
            var since = Stopwatch.StartNew();
            SessionFailed? failed = null;
            while (failed is null && since.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(200);
                failed = (await gateway.EventsOfAsync(id)).OfType<SessionFailed>().SingleOrDefault();
            }
            Assert.NotNull(failed);
            Assert.Equal("no_worker_available", failed.FailureReason);
            var events = await gateway.EventsOfAsync(id);
            Assert.DoesNotContain(events, e => e is SessionClaimed or SessionActivated);
            var status = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
            Assert.Equal("failed", status["status"]!.GetValue<string>());
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    [Fact]
    public async Task A_live_session_whose_worker_was_lost_long_ago_ends_and_refunds_the_time_it_had_left()
    {
        var database = TestEnvironment.Database("mirrorstage_lost");
        using var gateway = LiveRig.AmqpGateway("lost-" + Guid.NewGuid().ToString("N")[..8], new() { ["ConnectionStrings:Marten"] = database });
        gateway.CreateClient(); // brings the schema up
        const string wallet = "0x00000000000000000000000000000000000000d1";
        var (id, t) = (Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(-40));
        await using (var write = gateway.Store.LightweightSession())
        {
            // Paid for 15 minutes, live for 5, then its worker vanished 35 minutes ago and nobody resumed it.
            write.Events.StartStream<Session>(id,
                new SessionCreated(id, "hash", new ReferenceImage("references/x.png", "crops/x-512.png", 512), "hls", null, 15, 1_000_000, wallet, t),
                new PaymentSettled(id, "create", "eip155:84532", wallet, "0xusdc", 1_000_000, "0xtx", "key-" + id, t),
                new SessionClaimed(id, "ghost", t),
                new SessionActivated(id, "ghost", t, t.AddMinutes(15)),
                new SessionInterrupted(id, "ghost", t.AddMinutes(5)));
            await write.SaveChangesAsync();
        }

        await using var worker = Reaper(database, "lost-worker-" + Guid.NewGuid().ToString("N")[..8], gateway.BlobFolder, "reaper"); // ResumeWithinSeconds: the default 600
        await worker.StartAsync();
        try
        {
            SessionEnded? ended = null;
            for (var i = 0; i < 100 && ended is null; i++)
            {
                await Task.Delay(200);
                ended = (await gateway.EventsOfAsync(id)).OfType<SessionEnded>().SingleOrDefault();
            }
            Assert.NotNull(ended);
            Assert.Equal(("worker_lost", 300L), (ended.Reason, ended.GpuSecondsUsed));
            Assert.DoesNotContain(await gateway.EventsOfAsync(id), e => e is SessionResumed);
            var credit = Assert.Single((await gateway.EventsOfAsync(WalletAddress.StreamKey(wallet))).OfType<CreditGranted>());
            Assert.Equal((666_666L, "session_worker_lost", id), (credit.AmountAtomic, credit.Reason, credit.SessionId));
            await using var query = gateway.Store.QuerySession();
            Assert.Equal(666_666, (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(wallet)))!.BalanceAtomic);
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    /// <summary>A worker that reaps orphaned sessions on its own database, with short leases.</summary>
    private static WebApplication Reaper(string database, string queue, string blobFolder, string workerId, Dictionary<string, string?>? settings = null) =>
        LiveRig.BuildWorker(queue, "http://127.0.0.1:0", blobFolder, workerId,
            new Dictionary<string, string?>(settings ?? []) { ["Mirrorstage:Worker:ReapOrphans"] = "true", ["Mirrorstage:Worker:LeaseSeconds"] = "3" }, database);
}
