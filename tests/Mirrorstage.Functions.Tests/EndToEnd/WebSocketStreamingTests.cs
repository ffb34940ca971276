using System.Net.WebSockets;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Audio in over the worker's WebSocket, lip-synced video out on RTMP, measured from what nginx-rtmp serves.</summary>
[Collection(GatewayCollection.Name)]
public class WebSocketStreamingTests
{
    private static string Fixture(string name) => Path.Combine(TestEnvironment.SharedFixtures, "audio", name);

    [Fact]
    public async Task Speech_as_PCM_chunks_and_as_one_MP3_frame_moves_the_mouth_and_silence_does_not()
    {
        await using var rig = await LiveRig.StartAsync();
        await rig.CreateLiveSessionAsync();
        var capture = LiveRig.CaptureAsync(rig.RtmpUrl, seconds: 17);
        await Task.Delay(2500); // some silence first

        using var socket = await rig.ConnectAsync();
        // As the API reference's ElevenLabs example: raw PCM in 100 ms chunks, paced in real time.
        var pcm = await File.ReadAllBytesAsync(Fixture("welcome_16k.pcm"));
        for (var i = 0; i < pcm.Length; i += 3200)
        {
            await socket.SendAsync(pcm.AsMemory(i, Math.Min(3200, pcm.Length - i)), WebSocketMessageType.Binary, true, default);
            await Task.Delay(100);
        }
        await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
        var (first, _) = await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(15));
        Assert.NotNull(first);
        Assert.InRange(first["position_seconds"]!.GetValue<double>(), 5.9, 6.1);

        // As the Fish Audio example: the whole MP3 as one frame.
        await socket.SendAsync(await File.ReadAllBytesAsync(Fixture("welcome.mp3")), WebSocketMessageType.Binary, true, default);
        await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
        var (second, _) = await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(15));
        Assert.NotNull(second);
        Assert.True(second["utterance"]!.GetValue<int>() > first["utterance"]!.GetValue<int>());
        Assert.True(second["position_seconds"]!.GetValue<double>() >= first["position_seconds"]!.GetValue<double>() + 5.5);

        var (video, audio) = await capture;
        var motion = MouthMotion.Measure(video, audio);
        Console.WriteLine($"mouth motion per frame: speech {motion.Speech:0.00}, silence {motion.Silence:0.00} ({motion.SpeechFrames} speech / {motion.SilenceFrames} silent frames)");
        Assert.True(motion.SpeechFrames > 100 && motion.SilenceFrames > 25, $"{motion.SpeechFrames} speech / {motion.SilenceFrames} silent frames");
        Assert.True(motion.Speech > 4 * motion.Silence, $"speech {motion.Speech:0.00} vs silence {motion.Silence:0.00}");

        var ended = rig.Client.SendAsync(Requests.WithBearer(HttpMethod.Delete, $"/v1/sessions/{rig.SessionId}", rig.Token));
        var (bye, _) = await LiveRig.ReceiveUntilAsync(socket, "session_ended", TimeSpan.FromSeconds(10));
        Assert.Equal("deleted", bye?["reason"]?.GetValue<string>());
        Assert.Equal(200, (int)(await ended).StatusCode);
    }
}

/// <summary>Mouth motion in received video: mean absolute change of the mouth region between consecutive
/// frames, split by whether the received audio under the frame is speech, or silence that has lasted a
/// third of a second (so a mouth still closing after a word does not count as silence).</summary>
public static class MouthMotion
{
    public static (double Speech, double Silence, int SpeechFrames, int SilenceFrames) Measure(byte[] video, byte[] audio, int size = 512)
    {
        const int samplesPerFrame = 640;
        var frames = video.Length / (size * size);
        var roi = (X: 200, Y: 300, W: 112, H: 70);
        double speech = 0, silence = 0;
        int speechFrames = 0, silenceFrames = 0, quietRun = 0;
        for (var f = 1; f < frames; f++)
        {
            double diff = 0;
            for (var y = roi.Y; y < roi.Y + roi.H; y++)
                for (var x = roi.X; x < roi.X + roi.W; x++)
                    diff += Math.Abs(video[f * size * size + y * size + x] - video[(f - 1) * size * size + y * size + x]);
            diff /= roi.W * roi.H;

            var start = f * samplesPerFrame * 2;
            if (start + samplesPerFrame * 2 > audio.Length) break;
            double energy = 0;
            for (var i = 0; i < samplesPerFrame; i++)
            {
                var s = BitConverter.ToInt16(audio, start + 2 * i);
                energy += (double)s * s;
            }
            var rms = Math.Sqrt(energy / samplesPerFrame);
            quietRun = rms < 30 ? quietRun + 1 : 0;
            if (rms > 1000) { speech += diff; speechFrames++; }
            else if (quietRun > 8) { silence += diff; silenceFrames++; } // past the mouth's closing after a word
        }
        return (speech / Math.Max(1, speechFrames), silence / Math.Max(1, silenceFrames), speechFrames, silenceFrames);
    }
}
