using System.Diagnostics;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering.Neural;
using Mirrorstage.GpuWorker.Sessions;

namespace Mirrorstage.GpuWorker.Tests.Neural;

/// <summary>The fixture photo and speech through the real frame loop, the wav2lip-onnx engine and ffmpeg, read
/// back with ffprobe and ffmpeg: a valid stream, the model's frames in it, and the audio delayed with the video.</summary>
[Collection(NeuralCollection.Name)]
public class Wav2LipStreamTests
{
    [Theory]
    [InlineData(96)]
    [InlineData(256)]
    public async Task Fixture_photo_and_speech_give_a_valid_stream_with_the_audio_delayed_as_much_as_the_video(int size)
    {
        const int frames = 100;
        var file = Path.Combine(Directory.CreateTempSubdirectory("ms-wav2lip-").FullName, "out.flv");
        var speech = NeuralRig.Speech()[..(16000 * 3)];
        using var crop = NeuralRig.Crop();
        using var model = Wav2LipModel.Load(new NeuralOptions { ModelPath = TestModels.Path(size) });
        using var metrics = new NeuralMetrics();
        using var engine = NeuralRig.Engine(crop, model, new NeuralOptions { ModelPath = "m" }, metrics, waitForModel: true);
        var timeline = new AudioTimeline(16000 * 10);
        Assert.True(timeline.TryAppend(speech));
        await using (var output = FfmpegOutput.Start("ffmpeg", NeuralRig.Width, NeuralRig.Height, NeuralRig.Fps, "rtmp", file))
        {
            var loop = new FrameLoop(timeline, engine, output, NeuralRig.Width, NeuralRig.Height, NeuralRig.Fps) { AudioDelayFrames = engine.DelayFrames };
            Assert.Equal("done", await loop.RunAsync((n, _) => ValueTask.FromResult(n + 1 == frames ? "done" : null), default));
        }

        var probe = await Tool("ffprobe", "-v", "error", "-show_streams", "-show_format", file);
        Assert.Contains("codec_name=h264", probe);
        Assert.Contains("codec_name=aac", probe);
        Assert.Contains("width=512", probe);
        Assert.Contains("r_frame_rate=25/1", probe);
        Assert.Equal(frames - engine.DelayFrames, metrics.ModelFrames);

        // The speech starts in the output DelayFrames frames after it starts in the input.
        var decoded = await Pcm(file);
        var expected = Onset(speech) + engine.DelayFrames * NeuralRig.PerFrame;
        var offsetMs = (Onset(decoded) - expected) / 16.0;
        Assert.InRange(offsetMs, -20, 40);
    }

    /// <summary>The first 10 ms block whose RMS passes -40 dBFS, in samples.</summary>
    private static int Onset(short[] pcm)
    {
        for (var at = 0; at + 160 <= pcm.Length; at += 160)
        {
            double sum = 0;
            for (var i = at; i < at + 160; i++) sum += (double)pcm[i] * pcm[i];
            if (Math.Sqrt(sum / 160) > 327) return at;
        }
        return -1;
    }

    private static async Task<short[]> Pcm(string file)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-i", file, "-f", "s16le", "-ac", "1", "-ar", "16000", "-" }) info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        using var bytes = new MemoryStream();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(bytes);
        await ffmpeg.WaitForExitAsync();
        var pcm = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes.ToArray(), 0, pcm, 0, pcm.Length * 2);
        return pcm;
    }

    private static async Task<string> Tool(string name, params string[] args)
    {
        var info = new ProcessStartInfo(name) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{name} failed");
        return text;
    }
}
