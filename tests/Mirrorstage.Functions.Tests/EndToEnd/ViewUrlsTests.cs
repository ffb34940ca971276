using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Gateway and worker on different hosts (the worker on its own port, the gateway's WebSocketBaseUrl
/// pointing there): every URL the API hands out is fetched and answers with what it promises.</summary>
[Collection(GatewayCollection.Name)]
public class ViewUrlsTests
{
    [Fact]
    public async Task Every_URL_the_API_returns_resolves_when_gateway_and_worker_are_split()
    {
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?>
        {
            ["Mirrorstage:Worker:PreviewFolder"] = Directory.CreateTempSubdirectory("ms-preview-").FullName,
        });
        var created = await JsonAsync(await rig.Client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
        Assert.Equal("hls", created["output_protocol"]!.GetValue<string>());
        await WaitActiveAsync(rig, created["status_url"]!.GetValue<string>(), token);

        // The gateway serves the page at view_url and share_url (test server: path and query of the absolute URL).
        var shared = await JsonAsync(await rig.Client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/share", token)));
        foreach (var url in new[] { created["view_url"]!.GetValue<string>(), shared["share_url"]!.GetValue<string>() })
        {
            var page = await rig.Client.GetAsync(new Uri(url).PathAndQuery);
            Assert.Equal(200, (int)page.StatusCode);
            Assert.Contains("/view/assets/view.js", await page.Content.ReadAsStringAsync());
        }
        var script = await rig.Client.GetAsync("/view/assets/view.js");
        Assert.Equal(200, (int)script.StatusCode);
        Assert.Contains("livekit", await script.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var share = new Uri(shared["share_url"]!.GetValue<string>()).Query.Split("share=")[1];
        var view = await JsonAsync(await rig.Client.GetAsync($"/v1/view/{id}?share={share}"));
        var hls = view["hls_url"]!.GetValue<string>();
        var preview = view["preview_url"]!.GetValue<string>();
        Assert.StartsWith(rig.WorkerUrl, hls);
        Assert.StartsWith(rig.WorkerUrl.Replace("http://", "ws://"), preview);
        Assert.StartsWith(rig.WorkerUrl.Replace("http://", "ws://"), created["websocket_url"]!.GetValue<string>());

        // hls_url: the worker's playlist, whose segments carry the share token and are served too.
        using var http = new HttpClient();
        string playlist = "";
        for (var i = 0; i < 100 && !playlist.Contains(".ts"); i++, await Task.Delay(200))
        {
            var r = await http.GetAsync(hls);
            playlist = r.IsSuccessStatusCode ? await r.Content.ReadAsStringAsync() : "";
        }
        var segment = playlist.Split('\n').First(l => l.Contains(".ts"));
        var ts = await http.GetByteArrayAsync(new Uri(new Uri(hls), segment));
        Assert.Equal(0x47, ts[0]); // MPEG-TS sync byte

        // preview_url: the low-latency preview socket sends the init segment, then frame times and fragments.
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(preview), CancellationToken.None);
        var init = JsonNode.Parse(await ReceiveTextAsync(socket))!;
        Assert.Equal("init", init["type"]!.GetValue<string>());
        Assert.Matches(@"^video/mp4; codecs=""avc1\.[0-9A-F]{6}, mp4a\.40\.2""$", init["mime"]!.GetValue<string>());
        Assert.Equal("ftyp", Encoding.ASCII.GetString((await ReceiveAsync(socket)).AsSpan(4, 4)));
        var frames = JsonNode.Parse(await ReceiveTextAsync(socket))!;
        Assert.Equal("frames", frames["type"]!.GetValue<string>());
        Assert.Equal("moof", Encoding.ASCII.GetString((await ReceiveAsync(socket)).AsSpan(4, 4)));

        // websocket_url: the session's stream socket on the worker.
        using var stream = await rig.ConnectAsync(created["websocket_url"]!.GetValue<string>());
        Assert.Equal(WebSocketState.Open, stream.State);

        // A wrong share token gets no preview.
        using var refused = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(new Uri(preview.Replace(share, "sh_wrong")), CancellationToken.None));
    }

    private static async Task WaitActiveAsync(LiveRig rig, string statusUrl, string token)
    {
        for (var i = 0; i < 150; i++, await Task.Delay(200))
            if ((await JsonAsync(await rig.Client.SendAsync(WithBearer(HttpMethod.Get, new Uri(statusUrl).PathAndQuery, token))))["status"]!.GetValue<string>() == "active")
                return;
        Assert.Fail("the session did not go live");
    }

    private static async Task<byte[]> ReceiveAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return message.ToArray();
    }

    private static async Task<string> ReceiveTextAsync(WebSocket socket) => Encoding.UTF8.GetString(await ReceiveAsync(socket));
}
