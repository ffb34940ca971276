using System.Net.WebSockets;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.Functions.Tests.Support.Otlp;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Gateway -> RabbitMQ -> worker with the OTLP exporter pointed at a collector in the test: one trace
/// carries a session from the HTTP request through the queue into the worker, and the fleet's metrics arrive.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TelemetryTests
{
    private static Dictionary<string, string?> Exporting(OtlpReceiver otlp) => new()
    {
        ["Mirrorstage:Telemetry:Exporter"] = "otlp",
        ["Mirrorstage:Telemetry:OtlpEndpoint"] = otlp.Endpoint,
        ["Mirrorstage:Telemetry:MetricIntervalMilliseconds"] = "500",
    };

    [Fact]
    public async Task One_trace_spans_gateway_and_worker_for_a_session_and_the_metrics_arrive()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var rig = await LiveRig.StartAsync(workerSettings: Exporting(otlp), gatewaySettings: Exporting(otlp));
        await rig.CreateLiveSessionAsync();
        using (var socket = await rig.ConnectAsync())
        {
            await socket.SendAsync(new byte[3200], WebSocketMessageType.Binary, true, CancellationToken.None); // 100 ms of PCM
            await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
            Assert.NotNull((await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(20))).Match);
        }

        var (request, claim) = await otlp.SessionTraceAsync(rig.SessionId, gateway: "mirrorstage-gateway", worker: "mirrorstage-worker");
        Assert.NotNull(claim);
        Assert.NotNull(request);
        // The worker's span hangs under the gateway's producer span, itself under the HTTP request. (Both hosts run
        // in this one process, so each exporter also sees the other's spans: look at the gateway's own.)
        var send = otlp.Spans.First(s => s.Service == "mirrorstage-gateway" && s.SpanId == claim.ParentSpanId);
        Assert.Equal("warm_session.send", send.Name);
        Assert.Equal(request.SpanId, send.ParentSpanId);

        string[] worker = ["mirrorstage.frames.rendered", "mirrorstage.audio_to_frame.latency", "mirrorstage.render_slots.busy", "mirrorstage.render_slots.free"];
        string[] gateway = ["mirrorstage.sessions"];
        for (var i = 0; i < 50 && !(Has("mirrorstage-worker", worker) && Has("mirrorstage-gateway", gateway)); i++) await Task.Delay(200);
        Assert.All(worker, m => Assert.True(Has("mirrorstage-worker", [m]), $"worker metric {m} never arrived"));
        Assert.All(gateway, m => Assert.True(Has("mirrorstage-gateway", [m]), $"gateway metric {m} never arrived"));

        bool Has(string service, string[] names) =>
            otlp.MetricsByService.TryGetValue(service, out var got) && names.All(got.ContainsKey);
    }
}
