using System.Net;
using System.Net.Sockets;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Paid LiveKit sessions that cannot publish, or stop publishing: each fails with its reason and the
/// payment comes back as credit (all of it when the session never went live).</summary>
[Collection(GatewayCollection.Name)]
public class LiveKitFailureTests
{
    private static string NoServer()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return $"ws://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}"; // nothing listens there once the probe stops
    }

    private static async Task AssertFailedBeforeLiveAsync(PaidLiveKitRig rig, string? outputUrl, string reason)
    {
        var (id, token) = await rig.CreatePaidSessionAsync(outputUrl);
        var status = await rig.WaitForStatusAsync(id, token, "failed", "active", "ended");
        Assert.Equal(("failed", reason), (status["status"]!.GetValue<string>(), status["failure_reason"]!.GetValue<string>()));
        Assert.Empty((await rig.Gateway.EventsOfAsync(id)).OfType<SessionActivated>()); // never billed as live
        Assert.Equal(PaidLiveKitRig.Paid, await rig.CreditAsync());
    }

    [Fact]
    public async Task A_LiveKit_room_that_cannot_be_joined_fails_the_session_with_a_full_refund()
    {
        await using var rig = await PaidLiveKitRig.StartAsync(NoServer());
        await AssertFailedBeforeLiveAsync(rig, null, "livekit_connect_failed");
    }

    [Fact]
    public async Task A_worker_without_its_publisher_fails_the_session_at_once_with_a_full_refund()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-publisher-{Guid.NewGuid():N}", "main.js");
        await using var rig = await PaidLiveKitRig.StartAsync(NoServer(), new Dictionary<string, string?> { ["Mirrorstage:LiveKit:PublisherScript"] = missing });
        await AssertFailedBeforeLiveAsync(rig, null, "livekit_publisher_unavailable");
    }

    /// <summary>The caller's room is checked again by the worker before it joins, by the policy the RTMP outputs
    /// follow: here a name the gateway took (it allows private hosts) and the worker's network holds private.</summary>
    [Fact]
    public async Task A_callers_room_the_workers_policy_refuses_is_never_joined_and_fully_refunded()
    {
        await using var rig = await PaidLiveKitRig.StartAsync(NoServer(), new Dictionary<string, string?> { ["Mirrorstage:Outputs:AllowPrivateHosts"] = "false" });
        await AssertFailedBeforeLiveAsync(rig, "wss://127.0.0.1/agents-room", "output_url_not_allowed");
    }
}
