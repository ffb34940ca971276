using System.Diagnostics;
using OpenCvSharp;

namespace Mirrorstage.Bench.Worker;

/// <summary>Measures audio against video in an encoded file: the times the speech bursts start in its decoded
/// audio, and the times the mouth opens in its decoded video (the lower face moving away from how it looked just
/// before the burst), both on the container's clock: a sample or frame's index counts from its stream's start
/// time, since the two streams of a file rarely start at the same instant.</summary>
public static class AvOffset
{
    /// <summary>For each speech onset: when the mouth opened minus when the speech started, in ms.</summary>
    public static async Task<List<double>> MeasureAsync(string file, StreamProbe probe, Rect face, int fps)
    {
        var pcmBytes = await DecodeAsync(file, ["-map", "0:a:0", "-f", "s16le", "-ac", "1", "-ar", "16000"]);
        var pcm = new short[pcmBytes.Length / 2];
        Buffer.BlockCopy(pcmBytes, 0, pcm, 0, pcm.Length * 2);
        var onsets = Onsets(pcm, 16000).Select(ms => probe.AudioStart * 1000 + ms).ToList();

        var (w, h) = (face.Width, face.Height / 2);
        var crop = $"crop={w}:{h}:{face.X}:{face.Y + face.Height / 2}";
        // Every decoded frame once, in order (no frame-rate conversion adding or dropping any).
        var video = await DecodeAsync(file, ["-map", "0:v:0", "-fps_mode", "passthrough", "-vf", crop, "-f", "rawvideo", "-pix_fmt", "gray"]);
        var size = w * h;
        var frames = video.Length / size;
        double At(int f) => probe.VideoStart * 1000 + f * 1000.0 / fps;

        var offsets = new List<double>();
        foreach (var onset in onsets)
        {
            // The look before the burst (300 ms earlier: silent, with the previous burst 400 ms gone), then the first
            // frame up to 500 ms after the onset that moves more than half as far from it as the burst's widest.
            var before = Enumerable.Range(0, frames).LastOrDefault(f => At(f) <= onset - 300, -1);
            var window = Enumerable.Range(before + 1, Math.Max(0, frames - before - 1)).TakeWhile(f => At(f) <= onset + 500).ToList();
            if (before < 0 || window.Count == 0) continue;
            var change = window.Select(f => Difference(video, f, before, size)).ToList();
            var opened = change.FindIndex(c => c > change.Max() / 2);
            offsets.Add(At(window[opened]) - onset);
        }
        return offsets;
    }

    private static double Difference(byte[] video, int a, int b, int size)
    {
        long sum = 0;
        for (var i = 0; i < size; i++) sum += Math.Abs(video[a * size + i] - video[b * size + i]);
        return sum / (double)size;
    }

    /// <summary>Starts of loud stretches after at least 200 ms of quiet, in ms from the first decoded sample.</summary>
    private static List<double> Onsets(short[] pcm, int rate)
    {
        var onsets = new List<double>();
        var quiet = 0;
        for (var at = 0; at + 160 <= pcm.Length; at += 160)
        {
            double sum = 0;
            for (var i = at; i < at + 160; i++) sum += (double)pcm[i] * pcm[i];
            if (Math.Sqrt(sum / 160) > 1000) { if (quiet >= 20) onsets.Add(at * 1000.0 / rate); quiet = 0; }
            else quiet++;
        }
        return onsets;
    }

    private static async Task<byte[]> DecodeAsync(string file, string[] output)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-i", file }.Concat(output).Append("-")) info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        using var bytes = new MemoryStream();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(bytes);
        await ffmpeg.WaitForExitAsync();
        return bytes.ToArray();
    }
}
