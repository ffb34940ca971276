using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>A warm request that never reaches a worker (here: the gateway queues it where no worker listens)
/// does not strand the paid session: a reaping worker finds it warming and unclaimed and queues it again.</summary>
[Collection(GatewayCollection.Name)]
public class UnclaimedRequeueTests
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

        await using var worker = WorkerHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Marten"] = database,
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = "requeue-" + Guid.NewGuid().ToString("N")[..8],
            ["Mirrorstage:Queue:Address"] = TestEnvironment.Amqp,
            ["Mirrorstage:Blobs:Folder"] = gateway.BlobFolder,
            ["Mirrorstage:Worker:WorkerId"] = "requeue-worker",
            ["Mirrorstage:Worker:UnclaimedRequeueSeconds"] = "3",
            ["Mirrorstage:Worker:LeaseSeconds"] = "3",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
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
}
