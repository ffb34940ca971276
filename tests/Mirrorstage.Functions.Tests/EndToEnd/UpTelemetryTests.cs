using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Cli;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.Functions.Tests.Support.Otlp;
using Mirrorstage.X402.Facilitators;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>`mirrorstage up` (gateway and worker in one process, in-process queue) with a price, its facilitator
/// scripted as in the payment suites, and the OTLP exporter pointed at a collector inside the test: one paid
/// session's trace runs from the gateway's request into the worker, and every dashboard metric arrives.</summary>
[Collection(GatewayCollection.Name)]
public sealed class UpTelemetryTests
{
    private const string Payer = "0x00000000000000000000000000000000000000C1";

    [Fact]
    public async Task A_paid_session_through_up_is_one_trace_from_gateway_to_worker_and_every_metric_arrives()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        var url = FreeLoopbackUrl();
        var settings = new Dictionary<string, string?>(PaidGateway.Settings)
        {
            ["urls"] = url,
            ["ConnectionStrings:Marten"] = GatewayFactory.Connection,
            ["Mirrorstage:Gateway:TokenSecret"] = "J1auxctu8q6xeRAEQS0SMRdtEFfa1pLcsDjWLgCyol4=",
            ["Mirrorstage:Blobs:Folder"] = Directory.CreateTempSubdirectory("ms-up-blobs-").FullName,
            ["Mirrorstage:Payments:Journal:Folder"] = Directory.CreateTempSubdirectory("ms-up-journal-").FullName,
            ["Mirrorstage:Worker:PreviewFolder"] = Directory.CreateTempSubdirectory("ms-up-preview-").FullName,
            ["Mirrorstage:Worker:WorkerId"] = "up-telemetry-" + Guid.NewGuid().ToString("N")[..8],
            ["Mirrorstage:Worker:ReapOrphans"] = "false", // the shared database holds other suites' sessions
            ["Mirrorstage:Outputs:AllowedPorts"] = TestEnvironment.OutputPorts,
            ["Mirrorstage:RateLimits:Enabled"] = "false",
            ["Mirrorstage:Telemetry:Exporter"] = "otlp",
            ["Mirrorstage:Telemetry:OtlpEndpoint"] = otlp.Endpoint,
            ["Mirrorstage:Telemetry:MetricIntervalMilliseconds"] = "500",
        };
        var builder = Up.CreateBuilder([.. settings.Select(kv => $"--{kv.Key}={kv.Value}")]);
        builder.Services.AddSingleton<IFacilitatorRouter>(new ScriptedFacilitator());
        await using var app = Up.Build(builder);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(url) };

        var form = () => SessionForm(TestImages.Astronaut, outputUrl: TestEnvironment.NewRtmpUrl());
        var accepted = DecodeRequired(await client.SendAsync(CreateSession(form()))).Accepts[0];
        var created = await client.SendAsync(CreateSession(form(), Payment(accepted, Payer)));
        Assert.Equal(201, (int)created.StatusCode);
        var session = await JsonAsync(created);
        var (id, token) = (session["session_id"]!.GetValue<string>(), session["token"]!.GetValue<string>());
        JsonObject status = [];
        for (var i = 0; i < 150 && status["status"]?.GetValue<string>() != "active"; i++)
        {
            await Task.Delay(200);
            status = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        }
        Assert.Equal("active", status["status"]!.GetValue<string>());
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(session["websocket_url"]!.GetValue<string>()), CancellationToken.None);
            await socket.SendAsync(new byte[3200], WebSocketMessageType.Binary, true, CancellationToken.None); // 100 ms of PCM
            await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
            Assert.NotNull((await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(20))).Match);
        }

        var (request, claim) = await otlp.SessionTraceAsync(id);
        Assert.NotNull(claim);
        Assert.NotNull(request);
        // The worker's claim hangs under the gateway's producer span, itself under the paid create's HTTP request.
        var send = otlp.Spans.First(s => s.SpanId == claim.ParentSpanId);
        Assert.Equal(("warm_session.send", request.SpanId), (send.Name, send.ParentSpanId));

        string[] metrics =
        [
            "mirrorstage.frames.rendered", "mirrorstage.frames.late", "mirrorstage.audio_to_frame.latency",
            "mirrorstage.render_slots.busy", "mirrorstage.render_slots.free", "mirrorstage.sessions",
            "mirrorstage.payments", "mirrorstage.settlement.duration",
        ];
        bool Arrived(string name) => otlp.MetricsByService.Values.Any(m => m.ContainsKey(name));
        for (var i = 0; i < 50 && !metrics.All(Arrived); i++) await Task.Delay(200);
        Assert.All(metrics, m => Assert.True(Arrived(m), $"metric {m} never arrived"));
        await app.StopAsync();
    }

    private static string FreeLoopbackUrl()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return $"http://127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndpoint).Port}";
    }
}
