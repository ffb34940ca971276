using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Sessions;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Measurement;

/// <summary>Renders speech through the session's own articulation, engine and encoder as fast as the machine
/// allows (no frame clock): for measurements that read the encoded video back.</summary>
public static class OfflineRender
{
    /// <summary>Writes an FLV (H.264 + AAC) of the speech with a second of silence before and after.</summary>
    public static async Task RenderAsync(IRenderEngine engine, short[] speech, string path, int width, int height, int fps = 25)
    {
        var perFrame = FfmpegOutput.SampleRate / fps;
        var silence = FfmpegOutput.SampleRate;
        var all = new short[silence + speech.Length + silence];
        speech.CopyTo(all, silence);
        await using var output = FfmpegOutput.Start("ffmpeg", width, height, fps, "rtmp", path);
        using var frame = new Mat(height, width, MatType.CV_8UC3);
        var mouth = new MouthDrive();
        using var i420 = new I420Frame(width, height);
        var pcm = new byte[perFrame * 2];
        for (var n = 0; (n + 1) * perFrame <= all.Length; n++)
        {
            var samples = all.AsSpan(n * perFrame, perFrame);
            var speaking = n * perFrame >= silence && n * perFrame < silence + speech.Length ? perFrame : 0;
            engine.Render(mouth.Next(samples, speaking, IdleMotion.At(n, fps)), frame);
            Buffer.BlockCopy(all, n * perFrame * 2, pcm, 0, pcm.Length);
            await output.WriteAsync(i420.From(frame), pcm, CancellationToken.None);
        }
    }
}
