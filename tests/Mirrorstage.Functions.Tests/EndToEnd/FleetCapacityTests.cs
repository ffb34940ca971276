using System.Diagnostics;
using System.Text.Json.Nodes;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>A real worker's lease is the gateway's capacity: one render slot, a fixed fleet (no headroom), in a
/// database of their own so no other suite's worker counts.</summary>
[Collection(GatewayCollection.Name)]
public class FleetCapacityTests
{
    [Fact]
    public async Task The_gateway_takes_sessions_while_the_worker_publishes_a_free_slot_and_none_after_it_stops()
    {
        var queue = "e2e-fleet-" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = queue,
            ["Mirrorstage:Queue:Address"] = TestEnvironment.Amqp,
            ["Mirrorstage:Capacity:ScaleOutHeadroom"] = "0",
        }, "mirrorstage_tests_fleet");
        var client = gateway.CreateClient();
        await AssertHealthAsync(client, available: false, free: 0); // no worker yet

        var worker = LiveRig.BuildWorker(queue, "http://127.0.0.1:0", gateway.BlobFolder, "fleet-worker",
            new Dictionary<string, string?> { ["Mirrorstage:Worker:RenderSlots"] = "1" }, gateway.ConnectionString);
        await worker.StartAsync();
        try
        {
            await AssertHealthAsync(client, available: true, free: 1); // the lease is written before the worker serves

            var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: TestEnvironment.NewRtmpUrl()))));
            var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
            await AssertHealthAsync(client, available: false, free: 0); // the one slot is taken (waiting, then claimed)
            await AssertErrorAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))), 503, "no_capacity");

            await client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{id}", token));
            await EventuallyAsync(client, available: true, free: 1); // released once the render stops and the lease renews
        }
        finally
        {
            await worker.StopAsync();
            await worker.DisposeAsync();
        }
        // Stopped within its lease's lifetime: the lease already says it takes nothing.
        await AssertHealthAsync(client, available: false, free: 0);
    }

    private static async Task AssertHealthAsync(HttpClient client, bool available, int free)
    {
        var health = await JsonAsync(await client.GetAsync("/health"));
        Assert.Equal((available, free), (health["available"]!.GetValue<bool>(), health["free_slots"]!.GetValue<int>()));
    }

    private static async Task EventuallyAsync(HttpClient client, bool available, int free)
    {
        var deadline = Stopwatch.StartNew();
        JsonObject health;
        do
        {
            await Task.Delay(200);
            health = await JsonAsync(await client.GetAsync("/health"));
        } while (health["available"]!.GetValue<bool>() != available && deadline.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Equal((available, free), (health["available"]!.GetValue<bool>(), health["free_slots"]!.GetValue<int>()));
    }
}
