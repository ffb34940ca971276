using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Mirrorstage.Bench.Worker;

/// <summary>What ffprobe reads from an encoded file: each stream's start time (where its first frame or sample
/// sits on the container's clock) and the video packets actually in the file with the time they span.</summary>
public sealed record StreamProbe(double VideoStart, double AudioStart, int VideoFrames, double VideoSeconds)
{
    /// <summary>Video frames per second of the file's own timeline.</summary>
    public double FramesPerSecond => VideoFrames / VideoSeconds;

    public static async Task<StreamProbe> ReadAsync(string file)
    {
        var streams = JsonNode.Parse(await FfprobeAsync(file, "-show_entries", "stream=codec_type,start_time", "-of", "json"))!["streams"]!.AsArray();
        double Start(string type) => Seconds(streams.Single(s => s!["codec_type"]!.GetValue<string>() == type)!["start_time"]!.GetValue<string>());
        var packets = (await FfprobeAsync(file, "-select_streams", "v:0", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(',')).Select(p => (Pts: Seconds(p[0]), Duration: Seconds(p[1]))).ToList();
        var span = packets.Count == 0 ? 0 : packets.Max(p => p.Pts + p.Duration) - packets.Min(p => p.Pts);
        return new StreamProbe(Start("video"), Start("audio"), packets.Count, span);
    }

    private static double Seconds(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static async Task<string> FfprobeAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error" }.Concat(args).Append(file)) info.ArgumentList.Add(a);
        using var ffprobe = Process.Start(info)!;
        var text = await ffprobe.StandardOutput.ReadToEndAsync();
        await ffprobe.WaitForExitAsync();
        if (ffprobe.ExitCode != 0) throw new InvalidOperationException($"ffprobe could not read {file}");
        return text;
    }
}
