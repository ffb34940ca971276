using System.Diagnostics;
using Mirrorstage.GpuWorker.Output;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The frames every output takes: I420 as ffmpeg reads yuv420p, and pipes that carry a frame in one write.</summary>
public class I420FrameTests
{
    [Fact]
    public async Task A_frame_read_back_by_ffmpeg_as_yuv420p_has_the_photos_colours()
    {
        using var photo = Cv2.ImRead(Fixtures.Path("faces", "astronaut.png"), ImreadModes.Color);
        using var bgr = new Mat();
        Cv2.Resize(photo, bgr, new Size(256, 256));
        // Saturated patches: red must stay red and blue blue (U and V in their planes, not swapped).
        bgr[new Rect(0, 0, 32, 32)].SetTo(new Scalar(0, 0, 255));
        bgr[new Rect(32, 0, 32, 32)].SetTo(new Scalar(255, 0, 0));
        using var i420 = new I420Frame(256, 256);

        var decoded = await ToBgrAsync(i420.From(bgr).ToArray(), 256, 256);
        using var back = Mat.FromPixelData(256, 256, MatType.CV_8UC3, decoded);
        using var diff = new Mat();
        Cv2.Absdiff(bgr, back, diff);
        var mean = Cv2.Mean(diff);
        Assert.True(mean.Val0 < 4 && mean.Val1 < 4 && mean.Val2 < 4, $"mean difference per channel (B, G, R): {mean}");
        var red = back.At<Vec3b>(16, 16);
        var blue = back.At<Vec3b>(16, 48);
        Assert.True(red.Item2 > 200 && red.Item0 < 40, $"red patch read back as BGR {red}");
        Assert.True(blue.Item0 > 200 && blue.Item2 < 40, $"blue patch read back as BGR {blue}");
    }

    [Fact]
    public void Only_an_even_sized_BGR_frame_of_its_own_size_converts()
    {
        Assert.Throws<ArgumentException>(() => new I420Frame(255, 256));
        using var i420 = new I420Frame(64, 64);
        using var wrong = new Mat(32, 64, MatType.CV_8UC3);
        Assert.Throws<ArgumentException>(() => i420.From(wrong));
        Assert.Equal(64 * 64 * 3 / 2, I420Frame.Length(64, 64));
    }

    [Fact]
    public void An_encoders_stdin_pipe_grows_to_hold_two_512x512_frames()
    {
        using var reader = Process.Start(new ProcessStartInfo("sleep", "5") { RedirectStandardInput = true, UseShellExecute = false })!;
        try
        {
            var granted = PipeCapacity.TryGrow(reader.StandardInput.BaseStream, I420Frame.Length(512, 512));
            Assert.True(granted >= 2 * I420Frame.Length(512, 512), $"pipe holds {granted} bytes");
        }
        finally { reader.Kill(); }
    }

    private static async Task<byte[]> ToBgrAsync(byte[] i420, int width, int height)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", $"{width}x{height}", "-i", "pipe:0",
                     "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" }) info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        var read = Task.Run(async () => { using var m = new MemoryStream(); await ffmpeg.StandardOutput.BaseStream.CopyToAsync(m); return m.ToArray(); });
        await ffmpeg.StandardInput.BaseStream.WriteAsync(i420);
        ffmpeg.StandardInput.Close();
        var bgr = await read;
        await ffmpeg.WaitForExitAsync();
        Assert.Equal(width * height * 3, bgr.Length);
        return bgr;
    }
}
