using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>A live LiveKit session whose connection drops: the worker waits out the reconnect grace period (2 s
/// here), goes on if the publisher is back by then, and fails the session with the paid time left as credit if
/// not. The publisher is the scripted stand-in (no LiveKit server exists here): joined, a drop a second later,
/// then back half a second after that, or never.</summary>
[Collection(GatewayCollection.Name)]
public class LiveKitReconnectTests
{
    private static Dictionary<string, string?> Scripted => new()
    {
        ["Mirrorstage:LiveKit:PublisherScript"] = PaidLiveKitRig.ScriptedPublisher,
        ["Mirrorstage:LiveKit:ReconnectGraceSeconds"] = "2",
    };

    [Fact]
    public async Task A_connection_back_within_the_grace_period_keeps_the_session_live()
    {
        await using var rig = await PaidLiveKitRig.StartAsync("ws://127.0.0.1:9/?scenario=drop-and-return", Scripted);
        var (id, token) = await rig.CreatePaidSessionAsync();
        Assert.Equal("active", (await rig.WaitForStatusAsync(id, token, "active", "failed", "ended"))["status"]!.GetValue<string>());

        await Task.Delay(TimeSpan.FromSeconds(5)); // past the drop (1 s after joining) and its grace (2 s)
        Assert.Equal("active", (await rig.StatusAsync(id, token))["status"]!.GetValue<string>());
        Assert.Empty((await rig.Gateway.EventsOfAsync(id)).OfType<SessionFailed>());
        Assert.Equal(0, await rig.CreditAsync());

        var client = rig.Gateway.CreateClient();
        Assert.True((await client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{id}", token))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_connection_that_does_not_come_back_fails_the_session_as_lost_and_refunds_the_time_left()
    {
        await using var rig = await PaidLiveKitRig.StartAsync("ws://127.0.0.1:9/?scenario=drop", Scripted);
        var (id, token) = await rig.CreatePaidSessionAsync();
        var status = await rig.WaitForStatusAsync(id, token, "failed", "ended");
        Assert.Equal(("failed", "livekit_connection_lost"), (status["status"]!.GetValue<string>(), status["failure_reason"]!.GetValue<string>()));

        var events = await rig.Gateway.EventsOfAsync(id);
        var live = events.OfType<SessionActivated>().Single(); // it was live, and billed as such until the failure
        var failed = events.OfType<SessionFailed>().Single();
        Assert.True(failed.FailedAt - live.StartedAt < TimeSpan.FromMinutes(1), $"failed {failed.FailedAt - live.StartedAt} after going live");
        // Seconds were used, all within the free minutes (the first ones used): everything paid comes back.
        Assert.Equal(PaidLiveKitRig.Paid, await rig.CreditAsync());
    }
}
