using System.Diagnostics;
using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker.Sessions;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Reaping is a single-owner job: while another worker holds the reapers' lock, a worker with a
/// session to give up leaves it alone, and takes the round once the lock is free.</summary>
[Collection(GatewayCollection.Name)]
public class SingleOwnerReapingTests
{
    [Fact]
    public async Task A_worker_reaps_only_while_no_other_holds_the_reapers_lock()
    {
        var database = TestEnvironment.Database("mirrorstage_single_owner"); // its own: the reaper looks at every session
        using var gateway = LiveRig.AmqpGateway("lost-" + Guid.NewGuid().ToString("N")[..8], new() { ["ConnectionStrings:Marten"] = database });
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: TestEnvironment.NewRtmpUrl()))));
        var id = created["session_id"]!.GetValue<string>();

        // Another worker's turn, held the way any worker holds it.
        var other = await SingleOwner.LockFor(gateway.Store, SingleOwner.Reapers).AcquireAsync(TimeSpan.FromSeconds(5));
        await using var worker = LiveRig.BuildWorker("abandon-" + Guid.NewGuid().ToString("N")[..8], "http://127.0.0.1:0", gateway.BlobFolder, "second-reaper", new Dictionary<string, string?>
        {
            ["Mirrorstage:Worker:ReapOrphans"] = "true",
            ["Mirrorstage:Worker:LeaseSeconds"] = "3",
            ["Mirrorstage:Worker:UnclaimedRequeueSeconds"] = "3600",
            ["Mirrorstage:Worker:AbandonUnclaimedSeconds"] = "1",
        }, database);
        await worker.StartAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5)); // five reaping rounds' worth, the session long overdue
            Assert.DoesNotContain(await gateway.EventsOfAsync(id), e => e is SessionFailed);

            await other.DisposeAsync();
            var since = Stopwatch.StartNew();
            SessionFailed? failed = null;
            while (failed is null && since.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(200);
                failed = (await gateway.EventsOfAsync(id)).OfType<SessionFailed>().SingleOrDefault();
            }
            Assert.NotNull(failed);
            Assert.Equal("no_worker_available", failed.FailureReason);
        }
        finally
        {
            await worker.StopAsync();
        }
    }
}
