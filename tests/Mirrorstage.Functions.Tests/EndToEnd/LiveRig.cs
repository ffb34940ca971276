using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Gateway + RabbitMQ + worker (with its WebSocket) + nginx-rtmp, and one live session on it.</summary>
public sealed class LiveRig : IAsyncDisposable
{

    public required GatewayFactory Gateway { get; init; }
    public required WebApplication Worker { get; init; }
    public required HttpClient Client { get; init; }
    public required string WorkerUrl { get; init; }
    public string SessionId { get; private set; } = "";
    public string Token { get; private set; } = "";
    public string RtmpUrl { get; private set; } = "";
    public string WebSocketUrl { get; private set; } = "";

    public required string Queue { get; init; }

    public static async Task<LiveRig> StartAsync(IDictionary<string, string?>? workerSettings = null, IDictionary<string, string?>? gatewaySettings = null)
    {
        var queue = "e2e-warm-" + Guid.NewGuid().ToString("N")[..8];
        var workerUrl = NextWorkerUrl();
        var gateway = AmqpGateway(queue, new(gatewaySettings ?? new Dictionary<string, string?>())
        {
            ["Mirrorstage:Gateway:WebSocketBaseUrl"] = workerUrl.Replace("http://", "ws://"),
        });
        var worker = BuildWorker(queue, workerUrl, gateway.BlobFolder, "e2e-worker", workerSettings);
        await worker.StartAsync();
        return new LiveRig { Gateway = gateway, Worker = worker, Client = gateway.CreateClient(), WorkerUrl = workerUrl, Queue = queue };
    }

    /// <summary>Another worker replica on this rig's queue, store and blobs; the caller stops it.</summary>
    public async Task<(WebApplication Worker, string Url)> StartAnotherWorkerAsync(string workerId)
    {
        var url = NextWorkerUrl();
        var worker = BuildWorker(Queue, url, Gateway.BlobFolder, workerId, null);
        await worker.StartAsync();
        return (worker, url);
    }

    /// <summary>A port the system hands out now (a fixed range collides with anything else on the machine).</summary>
    private static string NextWorkerUrl()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return $"http://127.0.0.1:{((System.Net.IPEndPoint)probe.LocalEndpoint).Port}";
    }

    /// <summary>A worker on a queue, a store (the shared test database unless given) and a blob folder; it reaps
    /// nobody's sessions unless the settings say so (the shared database holds other suites' sessions).</summary>
    public static WebApplication BuildWorker(string queue, string url, string blobFolder, string workerId,
        IDictionary<string, string?>? settings, string? database = null) =>
        WorkerHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = url,
            ["ConnectionStrings:Marten"] = database ?? GatewayFactory.Connection,
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = queue,
            ["Mirrorstage:Queue:Address"] = TestEnvironment.Amqp,
            ["Mirrorstage:Blobs:Folder"] = blobFolder,
            ["Mirrorstage:Worker:WorkerId"] = workerId,
            ["Mirrorstage:Worker:InternalUrl"] = url,
            ["Mirrorstage:Worker:RenderSlots"] = "2",
            ["Mirrorstage:Worker:MaxBufferedAudioSeconds"] = "30",
            ["Mirrorstage:Worker:ReapOrphans"] = "false",
            ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true", // the local nginx-rtmp
            ["Mirrorstage:Outputs:AllowedPorts"] = TestEnvironment.OutputPorts,
            ["Logging:LogLevel:Default"] = "Warning",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));

    /// <summary>A gateway that queues warm requests on RabbitMQ and may stream to the local nginx-rtmp.</summary>
    public static GatewayFactory AmqpGateway(string queue, Dictionary<string, string?>? settings = null) =>
        new(new Dictionary<string, string?>(settings ?? [])
        {
            ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = queue,
            ["Mirrorstage:Queue:Address"] = TestEnvironment.Amqp,
        });

    public async Task<JsonObject> CreateLiveSessionAsync()
    {
        RtmpUrl = TestEnvironment.NewRtmpUrl();
        var created = await JsonAsync(await Client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: RtmpUrl))));
        SessionId = created["session_id"]!.GetValue<string>();
        Token = created["token"]!.GetValue<string>();
        WebSocketUrl = created["websocket_url"]!.GetValue<string>();
        JsonObject status = [];
        for (var i = 0; i < 150 && status["status"]?.GetValue<string>() != "active"; i++)
        {
            await Task.Delay(200);
            status = await JsonAsync(await Client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{SessionId}", Token)));
        }
        Assert.Equal("active", status["status"]!.GetValue<string>());
        return status;
    }

    public async Task<ClientWebSocket> ConnectAsync(string? url = null)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(url ?? WebSocketUrl), CancellationToken.None);
        return socket;
    }

    public static Task SendTextAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends a text message and expects an `error` with this code back.</summary>
    public static async Task ExpectErrorAsync(WebSocket socket, string text, string code)
    {
        await SendTextAsync(socket, text);
        Assert.Equal(code, (await ReceiveUntilAsync(socket, "error", TimeSpan.FromSeconds(10))).Match?["code"]?.GetValue<string>());
    }

    /// <summary>Reads messages until one of `type` arrives (or the timeout); returns it and everything before.</summary>
    public static async Task<(JsonObject? Match, List<JsonObject> Seen)> ReceiveUntilAsync(WebSocket socket, string type, TimeSpan timeout)
    {
        var seen = new List<JsonObject>();
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, cts.Token);
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                seen.Add(json);
                if (json["type"]!.GetValue<string>() == type) return (json, seen);
            }
        }
        catch (OperationCanceledException) { }
        return (null, seen);
    }

    /// <summary>What ffprobe reads from a live URL: its streams, or null when nothing is there.</summary>
    public static async Task<JsonArray?> ProbeAsync(string url) => (await ProbeAllAsync(url))?["streams"]?.AsArray();

    /// <summary>What ffprobe reads from a URL or file: its streams and its format (duration, size), or null.</summary>
    public static async Task<JsonNode?> ProbeAllAsync(string url)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-show_streams", "-show_format", "-of", "json", url }) info.ArgumentList.Add(a);
        using var ffprobe = System.Diagnostics.Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await ffprobe.StandardOutput.ReadToEndAsync(timeout.Token);
        await ffprobe.WaitForExitAsync(timeout.Token);
        return ffprobe.ExitCode == 0 ? JsonNode.Parse(output) : null;
    }

    /// <summary>Reads the RTMP stream back: gray 512x512 frames and 16 kHz mono audio.</summary>
    public static async Task<(byte[] Video, byte[] Audio)> CaptureAsync(string url, int seconds)
    {
        var dir = Directory.CreateTempSubdirectory("ms-capture-").FullName;
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        // Output options (-t included) apply to the output that follows them, so each output gets its own.
        foreach (var a in new[] { "-loglevel", "error", "-i", url,
                     "-map", "0:v", "-t", seconds.ToString(), "-f", "rawvideo", "-pix_fmt", "gray", Path.Combine(dir, "v.raw"),
                     "-map", "0:a", "-t", seconds.ToString(), "-f", "s16le", "-ac", "1", "-ar", "16000", Path.Combine(dir, "a.raw") })
            info.ArgumentList.Add(a);
        using var ffmpeg = System.Diagnostics.Process.Start(info)!;
        await ffmpeg.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 20)).Token);
        Assert.True(ffmpeg.ExitCode == 0, await ffmpeg.StandardError.ReadToEndAsync());
        return (await File.ReadAllBytesAsync(Path.Combine(dir, "v.raw")), await File.ReadAllBytesAsync(Path.Combine(dir, "a.raw")));
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync();
        await Worker.DisposeAsync();
        Gateway.Dispose();
    }
}
