using System.Diagnostics;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>The worker follows the store: warnings from the remaining time, and ends pushed by NOTIFY.</summary>
[Collection(GatewayCollection.Name)]
public class StoreFollowingTests
{
    [Fact]
    public async Task A_time_warning_arrives_when_the_remaining_time_drops_under_the_threshold()
    {
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?> { ["Mirrorstage:Worker:WarningSeconds"] = "899" });
        await rig.CreateLiveSessionAsync();
        using var socket = await rig.ConnectAsync();
        var (warning, _) = await LiveRig.ReceiveUntilAsync(socket, "time_warning", TimeSpan.FromSeconds(10));
        Assert.NotNull(warning);
        Assert.InRange(warning["remaining_seconds"]!.GetValue<long>(), 880, 899);
    }

    [Fact]
    public async Task A_DELETE_reaches_the_worker_through_NOTIFY_long_before_its_periodic_re_read()
    {
        // The periodic re-read is every 30 s here: only the notification can end the render sooner.
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?> { ["Mirrorstage:Worker:ReconcileSeconds"] = "30" });
        await rig.CreateLiveSessionAsync();
        using var socket = await rig.ConnectAsync();
        await Task.Delay(1500); // past the first frame's re-read

        var clock = Stopwatch.StartNew();
        await rig.Client.SendAsync(Requests.WithBearer(HttpMethod.Delete, $"/v1/sessions/{rig.SessionId}", rig.Token));
        var (ended, _) = await LiveRig.ReceiveUntilAsync(socket, "session_ended", TimeSpan.FromSeconds(25));
        Console.WriteLine($"DELETE -> session_ended on the socket: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("deleted", ended?["reason"]?.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:0.0} s: the periodic re-read, not NOTIFY");
    }
}
