using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Hostile sockets on one live session: each gets a clear error or close code, and the session's
/// video keeps going throughout.</summary>
[Collection(GatewayCollection.Name)]
public class WebSocketBadInputTests
{
    [Fact]
    public async Task Bad_input_gets_errors_and_the_session_keeps_streaming()
    {
        await using var rig = await LiveRig.StartAsync();
        await rig.CreateLiveSessionAsync();

        // A wrong token is refused before the upgrade.
        var wrong = await new HttpClient().GetAsync(rig.WebSocketUrl.Replace("ws://", "http://").Split("?token=")[0] + "?token=sk_wrong");
        Assert.Equal(401, (int)wrong.StatusCode);
        Assert.Equal("invalid_token", JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        using var socket = await rig.ConnectAsync();

        // A second socket for the same session is told why and closed.
        using (var second = await rig.ConnectAsync())
        {
            var (error, _) = await LiveRig.ReceiveUntilAsync(second, "error", TimeSpan.FromSeconds(5));
            Assert.Equal("already_connected", error?["code"]?.GetValue<string>());
            await LiveRig.ReceiveUntilAsync(second, "(the close frame)", TimeSpan.FromSeconds(5));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, second.CloseStatus);
        }

        await LiveRig.ExpectErrorAsync(socket, "not json {", "invalid_json");
        await LiveRig.ExpectErrorAsync(socket, """{"type":"dance"}""", "unknown_message");
        await LiveRig.ExpectErrorAsync(socket, """{"type":"change_reference","reference_image_b64":"AAAA"}""", "unsupported_image_type");
        await ExpectBinaryError(socket, new byte[3201], "odd_pcm_length");
        await LiveRig.SendTextAsync(socket, """{"type":"clear"}""");

        // A 50 MB frame is refused whole; the socket stays usable.
        await ExpectBinaryError(socket, new byte[50 * 1024 * 1024], "frame_too_large");

        // Garbage that looks like MP3 cannot be decoded; the utterance still completes.
        var fake = new byte[20_000];
        Random.Shared.NextBytes(fake);
        "ID3"u8.CopyTo(fake);
        await socket.SendAsync(fake, WebSocketMessageType.Binary, true, default);
        await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
        var (_, seen) = await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(15));
        Assert.Contains(seen, m => m["code"]?.GetValue<string>() == "undecodable_audio");

        // A truncated MP3 plays what it has.
        var mp3 = await File.ReadAllBytesAsync(Path.Combine(TestEnvironment.SharedFixtures, "audio", "welcome.mp3"));
        await socket.SendAsync(mp3.AsMemory(0, mp3.Length / 3), WebSocketMessageType.Binary, true, default);
        await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
        Assert.NotNull((await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(15))).Match);

        // Audio far faster than real time overflows the (30 s) buffer with a clear error.
        var minute = new byte[16_000 * 2 * 60];
        for (var i = 0; i < minute.Length; i += 64_000)
            await socket.SendAsync(minute.AsMemory(i, 64_000), WebSocketMessageType.Binary, true, default);
        Assert.Equal("audio_buffer_full", (await LiveRig.ReceiveUntilAsync(socket, "error", TimeSpan.FromSeconds(10))).Match?["code"]?.GetValue<string>());
        await LiveRig.SendTextAsync(socket, """{"type":"clear"}""");

        // Dropping the socket mid-utterance, then reconnecting, works.
        await socket.SendAsync(new byte[32_000], WebSocketMessageType.Binary, true, default);
        socket.Abort();
        await Task.Delay(300);
        using var again = await rig.ConnectAsync();
        await again.SendAsync(new byte[16_000], WebSocketMessageType.Binary, true, default);
        await LiveRig.SendTextAsync(again, """{"type":"speak_done"}""");
        Assert.NotNull((await LiveRig.ReceiveUntilAsync(again, "chunk_done", TimeSpan.FromSeconds(15))).Match);

        // Through all of it the session stayed live and its stream kept going.
        var status = await Requests.JsonAsync(await rig.Client.SendAsync(Requests.WithBearer(HttpMethod.Get, $"/v1/sessions/{rig.SessionId}", rig.Token)));
        Assert.Equal("active", status["status"]!.GetValue<string>());
        Assert.Contains(await LiveRig.ProbeAsync(rig.RtmpUrl) ?? [], s => s!["codec_name"]!.GetValue<string>() == "h264");

        // "stop" ends the session from the socket.
        await LiveRig.SendTextAsync(again, """{"type":"stop"}""");
        Assert.Equal("stopped", (await LiveRig.ReceiveUntilAsync(again, "session_ended", TimeSpan.FromSeconds(10))).Match?["reason"]?.GetValue<string>());
    }


    private static async Task ExpectBinaryError(WebSocket socket, byte[] data, string code)
    {
        await socket.SendAsync(data, WebSocketMessageType.Binary, true, default);
        Assert.Equal(code, (await LiveRig.ReceiveUntilAsync(socket, "error", TimeSpan.FromSeconds(20))).Match?["code"]?.GetValue<string>());
    }
}
