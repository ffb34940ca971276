using System.Text.Json.Nodes;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>The worker checks output_url again when it connects, with the gateway's policy, and hands ffmpeg
/// the address it checked.</summary>
[Collection(GatewayCollection.Name)]
public class OutputRecheckTests
{
    [Fact]
    public async Task An_output_the_gateway_took_but_the_workers_policy_refuses_is_never_connected()
    {
        // The gateway allows private hosts, the worker does not: as a name that is public where the gateway
        // resolves it and private where the worker does.
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?> { ["Mirrorstage:Outputs:AllowPrivateHosts"] = "false" });
        var rtmp = TestEnvironment.NewRtmpUrl();
        var created = await JsonAsync(await rig.Client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: rtmp))));
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());

        JsonObject status = [];
        for (var i = 0; i < 100 && status["status"]?.GetValue<string>() is not ("failed" or "active"); i++)
        {
            await Task.Delay(200);
            status = await JsonAsync(await rig.Client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        }
        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Equal("output_url_not_allowed", status["failure_reason"]!.GetValue<string>());
        // Refused before the encoder started: it never went live, so nothing was published there.
        Assert.Empty((await rig.Gateway.EventsOfAsync(id)).OfType<SessionActivated>());
    }

    [Fact]
    public async Task A_named_ingest_streams_through_the_address_the_worker_checked()
    {
        await using var rig = await LiveRig.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var named = $"rtmp://localhost:{TestEnvironment.RtmpPort}/live/{key}";
        var created = await JsonAsync(await rig.Client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: named))));
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
        JsonObject status = [];
        for (var i = 0; i < 100 && status["status"]?.GetValue<string>() != "active"; i++)
        {
            await Task.Delay(200);
            status = await JsonAsync(await rig.Client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        }
        Assert.Equal("active", status["status"]!.GetValue<string>());
        var streams = await LiveRig.ProbeAsync($"rtmp://127.0.0.1:{TestEnvironment.RtmpPort}/live/{key}");
        Assert.NotNull(streams);
        Assert.Contains(streams, s => s!["codec_name"]!.GetValue<string>() == "h264");
    }
}
