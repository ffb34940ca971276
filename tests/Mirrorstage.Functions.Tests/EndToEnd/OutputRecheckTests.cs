using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>A failover resumes the session on another worker: that worker checks the output again before it
/// reconnects to it.</summary>
[Collection(GatewayCollection.Name)]
public class ResumedOutputRecheckTests
{
    [Fact]
    public async Task A_resumed_session_whose_output_the_new_workers_policy_refuses_fails_instead_of_reconnecting()
    {
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?> { ["Mirrorstage:Outputs:AllowPrivateHosts"] = "false" });
        var (id, now) = (Guid.NewGuid().ToString(), DateTimeOffset.UtcNow);
        await using (var session = rig.Gateway.Store.LightweightSession())
        {
            // Live on a worker that was lost a moment ago, streaming to an output this worker's network holds private.
            session.Events.StartStream<Session>(id,
                new SessionCreated(id, "th", new ReferenceImage("r", "c", 256), "rtmp", TestEnvironment.NewRtmpUrl(), 15, 0, null, now.AddMinutes(-2)),
                new SessionClaimed(id, "lost-worker", now.AddMinutes(-2)),
                new SessionActivated(id, "lost-worker", now.AddMinutes(-2), now.AddMinutes(13)),
                new SessionInterrupted(id, "lost-worker", now));
            await session.SaveChangesAsync();
        }
        await rig.Gateway.Services.GetRequiredService<Mirrorstage.Events.Messaging.IWarmQueue>()
            .SendAsync(new Mirrorstage.Events.Messaging.WarmSession(id, now), default);

        IReadOnlyList<object> events = [];
        for (var i = 0; i < 100 && !events.OfType<SessionFailed>().Any(); i++)
        {
            await Task.Delay(200);
            events = await rig.Gateway.EventsOfAsync(id);
        }
        Assert.Equal("e2e-worker", events.OfType<SessionResumed>().Single().WorkerId); // the new worker took it over
        Assert.Equal("output_url_not_allowed", events.OfType<SessionFailed>().Single().FailureReason);
    }
}
