using System.Diagnostics;
using OpenCvSharp;

namespace Mirrorstage.Bench.Worker;

/// <summary>Measures audio against video in an encoded file: the times the speech bursts start in its decoded
/// audio, and the times the mouth opens in its decoded video (the lower face moving away from its silent look).</summary>
public static class AvOffset
{
    public static async Task<List<double>> MeasureAsync(string file, Rect face, int fps)
    {
        var pcmBytes = await DecodeAsync(file, ["-f", "s16le", "-ac", "1", "-ar", "16000"]);
        var pcm = new short[pcmBytes.Length / 2];
        Buffer.BlockCopy(pcmBytes, 0, pcm, 0, pcm.Length * 2);
        var audio = Onsets(pcm, 16000);
        var (w, h) = (face.Width, face.Height / 2);
        var crop = $"crop={w}:{h}:{face.X}:{face.Y + face.Height / 2}";
        var video = await DecodeAsync(file, ["-vf", crop, "-f", "rawvideo", "-pix_fmt", "gray"]);
        var size = w * h;
        var frames = video.Length / size;
        var change = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            long sum = 0;
            for (var i = 0; i < size; i++) sum += Math.Abs(video[f * size + i] - video[i]); // against the first, silent frame
            change[f] = sum / (double)size;
        }
        var threshold = (change.Max() + change.Min()) / 2;
        var opens = new List<double>();
        for (var f = 1; f < frames; f++)
            if (change[f] > threshold && change[f - 1] <= threshold) opens.Add(f * 1000.0 / fps);
        return audio.Select(a => opens.Count == 0 ? double.NaN : opens.MinBy(v => Math.Abs(v - a)) - a).Where(d => !double.IsNaN(d) && Math.Abs(d) < 500).ToList();
    }

    /// <summary>Starts of loud stretches after at least 200 ms of quiet, in ms.</summary>
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
