using System.Diagnostics;
using System.Net.WebSockets;
using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Two worker processes; the one rendering a session is killed with SIGKILL. Its lease lapses, the
/// other interrupts the session, resumes it, adds the downtime to its expiry and streams again.</summary>
[Collection(GatewayCollection.Name)]
public class FailoverTests
{

    [Fact]
    public async Task A_killed_workers_session_resumes_on_another_with_its_expiry_moved_by_the_downtime()
    {
        var database = TestEnvironment.Database("mirrorstage_failover"); // its own: the reapers look at every session
        var queue = "failover-" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = LiveRig.AmqpGateway(queue, new() { ["ConnectionStrings:Marten"] = database });
        var client = gateway.CreateClient(); // the gateway brings the new database's schema up first
        var port = 58300 + Random.Shared.Next(0, 50) * 2;
        var workers = new Dictionary<string, (Process Process, string Url)>
        {
            ["fo-a"] = StartWorker("fo-a", port, database, queue, gateway.BlobFolder),
            ["fo-b"] = StartWorker("fo-b", port + 1, database, queue, gateway.BlobFolder),
        };
        try
        {
            foreach (var (_, url) in workers.Values) await WaitUpAsync(url);
            await WaitForLeasesAsync(gateway, workers.Keys); // relaying needs the owner's lease on record
            var rtmp = TestEnvironment.NewRtmpUrl();
            var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: rtmp))));
            var id = created["session_id"]!.GetValue<string>();
            var token = created["token"]!.GetValue<string>();
            var activated = await WaitForAsync<SessionActivated>(gateway, id, TimeSpan.FromSeconds(30));
            var owner = activated.WorkerId;
            var survivor = workers.Keys.Single(k => k != owner);

            // Any replica accepts the socket: the one that does not own the session relays it to the owner.
            using (var relayed = new ClientWebSocket())
            {
                await relayed.ConnectAsync(new Uri($"{workers[survivor].Url.Replace("http://", "ws://")}/v1/sessions/{id}/stream?token={token}"), default);
                await relayed.SendAsync(new byte[16_000], WebSocketMessageType.Binary, true, default);
                await LiveRig.SendTextAsync(relayed, """{"type":"speak_done"}""");
                Assert.NotNull((await LiveRig.ReceiveUntilAsync(relayed, "chunk_done", TimeSpan.FromSeconds(15))).Match);
                await relayed.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
            }
            // So does the live preview: a viewer reaching the other replica is relayed to the one rendering.
            var share = await ShareTokenAsync(client, id, token);
            using (var preview = new ClientWebSocket())
            {
                await preview.ConnectAsync(new Uri($"{workers[survivor].Url.Replace("http://", "ws://")}/preview/{id}/live?share={share}"), default);
                var buffer = new byte[64 * 1024];
                var first = await preview.ReceiveAsync(buffer, default).WaitAsync(TimeSpan.FromSeconds(15));
                Assert.Equal(WebSocketMessageType.Text, first.MessageType);
                Assert.Contains("\"type\":\"init\"", System.Text.Encoding.UTF8.GetString(buffer, 0, first.Count));
            }

            await AssertHlsPreviewIsRelayedAsync(client, workers.ToDictionary(w => w.Key, w => w.Value.Url), gateway);

            workers[owner].Process.Kill(); // SIGKILL: no goodbye, no lease release
            var killed = Stopwatch.StartNew();
            var resumed = await WaitForAsync<SessionResumed>(gateway, id, TimeSpan.FromSeconds(30));
            var tookSeconds = killed.Elapsed.TotalSeconds;
            Console.WriteLine($"failover: resumed on {resumed.WorkerId} {tookSeconds:0.0} s after the kill");
            Assert.Equal(survivor, resumed.WorkerId);
            Assert.True(tookSeconds <= 20, $"resumed after {tookSeconds:0.0} s");

            var interrupted = (await gateway.EventsOfAsync(id)).OfType<SessionInterrupted>().Single();
            Assert.Equal(owner, interrupted.WorkerId);
            Assert.Equal(activated.ExpiresAt + (resumed.ResumedAt - interrupted.InterruptedAt), resumed.NewExpiresAt);
            Assert.True(resumed.NewExpiresAt > activated.ExpiresAt);

            var status = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
            Assert.Equal("active", status["status"]!.GetValue<string>());
            Assert.Equal(resumed.NewExpiresAt.ToUnixTimeSeconds(), DateTimeOffset.Parse(status["expires_at"]!.GetValue<string>()).ToUnixTimeSeconds());

            // The survivor serves the session's socket: speech in, chunk_done out.
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"{workers[survivor].Url.Replace("http://", "ws://")}/v1/sessions/{id}/stream?token={token}"), default);
            await socket.SendAsync(new byte[16_000], WebSocketMessageType.Binary, true, default);
            await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
            Assert.NotNull((await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(15))).Match);
        }
        finally
        {
            foreach (var (process, _) in workers.Values)
            {
                if (!process.HasExited) process.Kill();
                process.Dispose();
            }
        }
    }

    /// <summary>An HLS session (no output_url, no LiveKit): its playlist and a segment, asked of the replica that
    /// does not render it, come from the one that does (each replica writes its preview to its own folder).</summary>
    private static async Task AssertHlsPreviewIsRelayedAsync(HttpClient client, Dictionary<string, string> workers, GatewayFactory gateway)
    {
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var id = created["session_id"]!.GetValue<string>();
        var token = created["token"]!.GetValue<string>();
        var owner = (await WaitForAsync<SessionActivated>(gateway, id, TimeSpan.FromSeconds(30))).WorkerId;
        var other = workers.Single(w => w.Key != owner).Value;
        var share = await ShareTokenAsync(client, id, token);
        using var http = new HttpClient();
        string? playlist = null;
        for (var i = 0; i < 75 && playlist is null; i++) // the first 2 s segment is written a few seconds in
        {
            using var answer = await http.GetAsync($"{other}/preview/{id}/index.m3u8?share={share}");
            if (answer.IsSuccessStatusCode) playlist = await answer.Content.ReadAsStringAsync();
            else
            {
                Assert.Equal(404, (int)answer.StatusCode); // preview_not_ready until then
                await Task.Delay(200);
            }
        }
        Assert.NotNull(playlist);
        Assert.Contains("#EXTM3U", playlist);
        var segment = playlist.Split('\n').First(l => l.Contains(".ts?share="));
        using var ts = await http.GetAsync($"{other}/preview/{id}/{segment}");
        Assert.Equal(200, (int)ts.StatusCode);
        Assert.Equal("video/mp2t", ts.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0x47, (await ts.Content.ReadAsByteArrayAsync())[0]); // an MPEG-TS sync byte
        // The owner still checks the share token of a relayed request.
        Assert.Equal(401, (int)(await http.GetAsync($"{other}/preview/{id}/index.m3u8?share=sh_wrong")).StatusCode);
        await client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{id}", token));
    }

    private static (Process, string) StartWorker(string id, int port, string database, string queue, string blobs)
    {
        var bin = Path.Combine(TestEnvironment.RepoRoot, "gpu-worker", "Mirrorstage.GpuWorker", "bin", "Debug", "net10.0", "Mirrorstage.GpuWorker");
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo(bin) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["Urls"] = url,
            ["ConnectionStrings__Marten"] = database,
            ["Mirrorstage__Queue__Transport"] = "amqp",
            ["Mirrorstage__Queue__QueueName"] = queue,
            ["Mirrorstage__Queue__Address"] = TestEnvironment.Amqp,
            ["Mirrorstage__Blobs__Folder"] = blobs,
            ["Mirrorstage__Worker__WorkerId"] = id,
            ["Mirrorstage__Worker__LeaseSeconds"] = "6", // the default; a 2-core CI machine starting two workers needs the slack
            ["Mirrorstage__Worker__InternalUrl"] = url,
            ["Mirrorstage__Worker__PreviewFolder"] = Path.Combine(Path.GetTempPath(), $"ms-failover-{id}-{port}-preview"), // each replica its own disk
            ["Mirrorstage__Outputs__AllowPrivateHosts"] = "true", // the local nginx-rtmp
            ["Mirrorstage__Outputs__AllowedPorts"] = TestEnvironment.OutputPorts,
            ["Logging__LogLevel__Default"] = "Warning",
        }) info.Environment[k] = v;
        var process = Process.Start(info)!;
        var log = Path.Combine(Path.GetTempPath(), $"ms-failover-{id}.log");
        File.WriteAllText(log, "");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (info) File.AppendAllText(log, e.Data + "\n"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (info) File.AppendAllText(log, e.Data + "\n"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, url);
    }

    private static async Task WaitUpAsync(string url)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try { if ((await http.GetAsync(url + "/worker/health")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        Assert.Fail($"worker at {url} did not start");
    }

    private static async Task WaitForLeasesAsync(GatewayFactory gateway, IEnumerable<string> ids)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var query = gateway.Store.QuerySession();
            if ((await query.LoadManyAsync<WorkerLease>(ids.ToArray())).Count == ids.Count()) return;
            await Task.Delay(200);
        }
        Assert.Fail("the workers' leases were never written");
    }

    private static async Task<T> WaitForAsync<T>(GatewayFactory gateway, string id, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if ((await gateway.EventsOfAsync(id)).OfType<T>().FirstOrDefault() is { } found) return found;
            await Task.Delay(200);
        }
        Assert.Fail($"no {typeof(T).Name} for {id} within {timeout.TotalSeconds} s");
        return default!;
    }
}
