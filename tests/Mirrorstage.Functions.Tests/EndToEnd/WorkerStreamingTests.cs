using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker;
using Mirrorstage.GpuWorker.Messaging;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Real parts end to end: gateway → RabbitMQ → worker → nginx-rtmp, read back with ffprobe.</summary>
[Collection(GatewayCollection.Name)]
public class WorkerStreamingTests
{
    private static readonly string Amqp = Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AMQP") ?? "amqp://guest:guest@127.0.0.1:5672";
    private static readonly string RtmpPort = Environment.GetEnvironmentVariable("MIRRORSTAGE_RTMP_PORT") ?? "51935";

    [Fact]
    public async Task A_session_goes_live_on_RTMP_as_H264_and_AAC_at_25fps_and_DELETE_stops_it()
    {
        var queue = "e2e-warm-" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Mirrorstage:Gateway:AllowPrivateOutputHosts"] = "true",
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = queue,
            ["Mirrorstage:Queue:Address"] = Amqp,
        });
        var client = gateway.CreateClient();
        using var worker = WorkerHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = GatewayFactory.Connection,
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = queue,
            ["Mirrorstage:Queue:Address"] = Amqp,
            ["Mirrorstage:Blobs:Folder"] = gateway.BlobFolder,
            ["Mirrorstage:Worker:WorkerId"] = "e2e-worker",
            ["Mirrorstage:Worker:RenderSlots"] = "2",
            ["Mirrorstage:Worker:ReapOrphans"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await worker.StartAsync();
        try
        {
            var url = $"rtmp://127.0.0.1:{RtmpPort}/live/{Guid.NewGuid():N}";
            var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: url))));
            var id = created["session_id"]!.GetValue<string>();
            var token = created["token"]!.GetValue<string>();

            JsonObject status = [];
            for (var i = 0; i < 100 && status["status"]?.GetValue<string>() != "active"; i++)
            {
                await Task.Delay(200);
                status = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
            }
            Assert.Equal("active", status["status"]!.GetValue<string>());
            Assert.InRange(status["remaining_seconds"]!.GetValue<long>(), 895, 900);

            var streams = await FfprobeAsync(url);
            var video = streams.Single(s => s!["codec_type"]!.GetValue<string>() == "video")!;
            var audio = streams.Single(s => s!["codec_type"]!.GetValue<string>() == "audio")!;
            Assert.Equal(("h264", 512, 512), (video["codec_name"]!.GetValue<string>(), video["width"]!.GetValue<int>(), video["height"]!.GetValue<int>()));
            Assert.Equal("25/1", video["r_frame_rate"]!.GetValue<string>());
            Assert.Equal("aac", audio["codec_name"]!.GetValue<string>());

            var ended = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{id}", token)));
            Assert.Equal("ended", ended["status"]!.GetValue<string>());
            Assert.True(ended["gpu_seconds_used"]!.GetValue<long>() >= 1);

            // The worker follows the store: the session's render stops and its slot is free again.
            var consumer = worker.Services.GetServices<IHostedService>().OfType<WarmRequestConsumer>().Single();
            var deadline = Stopwatch.StartNew();
            while (consumer.ActiveSessions > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
            Assert.Equal(0, consumer.ActiveSessions);

            var events = await gateway.EventsOfAsync(id);
            Assert.Equal("e2e-worker", events.OfType<SessionClaimed>().Single().WorkerId);
            Assert.Single(events.OfType<SessionActivated>());
            Assert.Equal("deleted", events.OfType<SessionEnded>().Single().Reason);
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    private static async Task<JsonArray> FfprobeAsync(string url)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-show_streams", "-of", "json", url }) info.ArgumentList.Add(a);
        using var ffprobe = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await ffprobe.StandardOutput.ReadToEndAsync(timeout.Token);
        await ffprobe.WaitForExitAsync(timeout.Token);
        Assert.True(ffprobe.ExitCode == 0, "ffprobe failed: " + await ffprobe.StandardError.ReadToEndAsync());
        return JsonNode.Parse(output)!["streams"]!.AsArray();
    }
}
