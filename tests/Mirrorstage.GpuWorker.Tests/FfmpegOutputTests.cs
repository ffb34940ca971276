using System.Diagnostics;
using Mirrorstage.GpuWorker.Output;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The encoder's outputs on real ffmpeg: the HLS preview with an MP4 recording beside it (one encode
/// through the tee muxer), read back with ffprobe.</summary>
public class FfmpegOutputTests
{
    [Fact]
    public async Task HLS_preview_and_MP4_recording_come_from_one_encode()
    {
        var dir = Directory.CreateTempSubdirectory("ms-output-").FullName;
        var (preview, recording) = (Path.Combine(dir, "preview"), Path.Combine(dir, "rec", "part.mp4"));
        const int width = 256, height = 256, fps = 25;
        await using (var output = FfmpegOutput.Start("ffmpeg", width, height, fps, "hls", preview, recording))
        {
            var frame = new byte[I420Frame.Length(width, height)];
            var pcm = new byte[FfmpegOutput.SampleRate / fps * 2];
            for (var n = 0; n < fps * 5; n++)
            {
                Array.Fill(frame, (byte)(n * 2));
                await output.WriteAsync(frame, pcm, default);
            }
        }

        Assert.True(File.Exists(Path.Combine(preview, "index.m3u8")));
        Assert.NotEmpty(Directory.GetFiles(preview, "*.ts"));
        var probe = await ProbeAsync(recording);
        Assert.Contains("codec_name=h264", probe);
        Assert.Contains("codec_name=aac", probe);
        Assert.Contains("width=256", probe);
        Assert.Contains("r_frame_rate=25/1", probe);
        var duration = double.Parse(probe.Split('\n').Last(l => l.StartsWith("duration=", StringComparison.Ordinal))["duration=".Length..],
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 4.5, 5.5);
    }

    private static async Task<string> ProbeAsync(string file)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-show_streams", "-show_format", file }) info.ArgumentList.Add(a);
        using var ffprobe = Process.Start(info)!;
        var text = await ffprobe.StandardOutput.ReadToEndAsync();
        await ffprobe.WaitForExitAsync();
        Assert.True(ffprobe.ExitCode == 0, $"ffprobe could not read {file}");
        return text;
    }
}
