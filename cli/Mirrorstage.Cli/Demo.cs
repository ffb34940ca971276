using System.Text.Json;

namespace Mirrorstage.Cli;

/// <summary>Walks one session through its life on a running gateway, printing what an agent would see.</summary>
public static class Demo
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static async Task<int> RunAsync(CliOptions o)
    {
        using var http = GatewayClient.CreateHttp(o.Url);
        var api = new GatewayClient(http);

        Step("GET /health");
        var (_, health) = await api.SendAsync(HttpMethod.Get, "health");
        Show(health);

        Step($"POST /v1/sessions with {Path.GetFileName(o.Face)}");
        var (status, created) = await api.CreateSessionAsync(await File.ReadAllBytesAsync(o.Face), Path.GetFileName(o.Face));
        Show(created, status);
        if (status == 402)
        {
            Console.WriteLine("This gateway charges for sessions: pay with an x402 client (see README, Payments).");
            return 0;
        }
        if (status != 201) return 1;
        var id = created!["session_id"]!.GetValue<string>();
        var token = created["token"]!.GetValue<string>();

        Step($"GET /v1/sessions/{id} until active");
        var active = await WaitActiveAsync(api, id, token);
        Show(active);
        var live = active?["status"]?.GetValue<string>() == "active";

        Step($"POST /v1/sessions/{id}/share");
        var (_, share) = await api.SendAsync(HttpMethod.Post, $"v1/sessions/{id}/share", token);
        Show(share);
        var shareToken = share!["share_url"]!.GetValue<string>().Split("share=")[1];

        Step($"GET /v1/view/{id}?share=...");
        var (_, view) = await api.SendAsync(HttpMethod.Get, $"v1/view/{id}?share={shareToken}");
        Show(view);
        var hls = view?["hls_url"]?.GetValue<string>();
        if (live)
        {
            // Record the preview while the session speaks: that recording is what a viewer saw and heard.
            var recording = hls is null ? null : await DemoVideo.StartRecordingAsync(hls, seconds: 11);
            if (recording is not null) await Task.Delay(1000);
            await SpeakAsync(created["websocket_url"]!.GetValue<string>(), o);
            if (recording is not null) await DemoVideo.FinishAsync(recording, o.Face);
            if (hls is not null) await SaveFrameAsync(hls);
        }

        Step($"POST /v1/sessions/{id}/extend {{\"duration_minutes\": 5}}");
        Show((await api.SendAsync(HttpMethod.Post, $"v1/sessions/{id}/extend", token, "{\"duration_minutes\":5}")).Body);

        Step($"DELETE /v1/sessions/{id}");
        Show((await api.SendAsync(HttpMethod.Delete, $"v1/sessions/{id}", token)).Body);
        return 0;
    }

    private static async Task<System.Text.Json.Nodes.JsonNode?> WaitActiveAsync(GatewayClient api, string id, string token)
    {
        System.Text.Json.Nodes.JsonNode? status = null;
        for (var i = 0; i < 120; i++)
        {
            (_, status) = await api.SendAsync(HttpMethod.Get, $"v1/sessions/{id}", token);
            if (status?["status"]?.GetValue<string>() is "active" or "failed" or "ended") break;
            await Task.Delay(500);
        }
        if (status?["status"]?.GetValue<string>() != "active")
            Console.WriteLine("(not active after 60 s: either no worker takes sessions here (`mirrorstage up` runs one beside the " +
                "gateway), or every render slot is busy with other sessions: see GET /worker/health and Mirrorstage:Worker:RenderSlots)");
        return status;
    }

    /// <summary>Streams the fixture speech as an agent would: 100 ms PCM chunks, then speak_done.</summary>
    private static async Task SpeakAsync(string websocketUrl, CliOptions o)
    {
        var pcmPath = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(o.Face)!)!, "audio", "welcome_16k.pcm");
        if (!File.Exists(pcmPath)) return;
        Step("WS stream: 6 s of speech as 100 ms PCM chunks, then speak_done");
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri(websocketUrl), default);
        var pcm = await File.ReadAllBytesAsync(pcmPath);
        for (var i = 0; i < pcm.Length; i += 3200)
        {
            await socket.SendAsync(pcm.AsMemory(i, Math.Min(3200, pcm.Length - i)), System.Net.WebSockets.WebSocketMessageType.Binary, true, default);
            await Task.Delay(100);
        }
        await socket.SendAsync("{\"type\":\"speak_done\"}"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, default);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, timeout.Token);
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, r.Count);
            Console.WriteLine("<- " + text);
            if (text.Contains("chunk_done")) break;
        }
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "demo done", default);
    }

    /// <summary>Grabs one frame of the live HLS preview into data/demo-frame.png.</summary>
    private static async Task SaveFrameAsync(string hlsUrl)
    {
        Directory.CreateDirectory("data");
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-loglevel", "error", "-y", "-i", hlsUrl, "-frames:v", "1", "data/demo-frame.png" }) info.ArgumentList.Add(a);
        using var ffmpeg = System.Diagnostics.Process.Start(info)!;
        await ffmpeg.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Console.WriteLine(ffmpeg.ExitCode == 0 ? $"a frame of the live preview: {Path.GetFullPath("data/demo-frame.png")}" : "(could not read the preview: " + await ffmpeg.StandardError.ReadToEndAsync() + ")");
    }

    private static void Step(string what) => Console.WriteLine($"\n== {what}");

    private static void Show(System.Text.Json.Nodes.JsonNode? body, int? status = null)
    {
        if (status is not null) Console.WriteLine($"HTTP {status}");
        Console.WriteLine(body?.ToJsonString(Pretty) ?? "(empty)");
    }
}
