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
    private static readonly string Amqp = Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AMQP") ?? "amqp://guest:guest@127.0.0.1:5672";
    private static readonly string RtmpPort = Environment.GetEnvironmentVariable("MIRRORSTAGE_RTMP_PORT") ?? "51935";

    [Fact]
    public async Task A_session_whose_warm_request_was_lost_is_queued_again_and_goes_live()
    {
        var database = TestEnvironment.Database("mirrorstage_requeue"); // its own: the reaper looks at every session
        using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = database,
            ["Mirrorstage:Gateway:AllowPrivateOutputHosts"] = "true",
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = "lost-" + Guid.NewGuid().ToString("N")[..8], // nobody consumes it
            ["Mirrorstage:Queue:Address"] = Amqp,
        });
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut,
            outputUrl: $"rtmp://127.0.0.1:{RtmpPort}/live/{Guid.NewGuid():N}"))));
        var id = created["session_id"]!.GetValue<string>();
        var since = Stopwatch.StartNew();

        await using var worker = WorkerHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Marten"] = database,
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = "requeue-" + Guid.NewGuid().ToString("N")[..8],
            ["Mirrorstage:Queue:Address"] = Amqp,
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
