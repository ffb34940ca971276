using System.Diagnostics;
using Microsoft.Extensions.Options;
using Mirrorstage.GpuWorker.Measurement;
using Mirrorstage.Imaging;
using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.Cli;

/// <summary>The demo's video: records the live HLS preview while the session speaks into data/demo.mp4, then
/// reads it back, fits the landmarks on every frame and lays the mouth out across the utterance in
/// data/demo-mouth.png, printing how well the lips followed the speech.</summary>
public static class DemoVideo
{
    public const string VideoPath = "data/demo.mp4", SheetPath = "data/demo-mouth.png";

    /// <summary>Starts recording `seconds` of the preview once its playlist is up (its first segment takes a
    /// moment); the caller speaks meanwhile.</summary>
    public static async Task<Process> StartRecordingAsync(string hlsUrl, int seconds)
    {
        Directory.CreateDirectory("data");
        using (var http = new HttpClient())
            for (var i = 0; i < 40 && !(await http.GetAsync(hlsUrl)).IsSuccessStatusCode; i++) await Task.Delay(250);
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-loglevel", "error", "-y", "-live_start_index", "-1", "-i", hlsUrl, "-t", seconds.ToString(),
                     "-c", "copy", "-bsf:a", "aac_adtstoasc", "-movflags", "+faststart", VideoPath })
            info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    public static async Task FinishAsync(Process recording, string facePath, int size = 512)
    {
        using (recording)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try { await recording.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { recording.Kill(); }
            if (recording.ExitCode != 0 || !File.Exists(VideoPath))
            {
                Console.WriteLine("(could not record the preview: " + await recording.StandardError.ReadToEndAsync() + ")");
                return;
            }
        }
        Console.WriteLine($"the session's video with its audio: {Path.GetFullPath(VideoPath)}");

        // The same landmarks the gateway stored for this photo, from the same code.
        var options = Options.Create(new ImageOptions());
        var detector = new LandmarkDetector(options);
        var face = new ReferenceImageProcessor(options, new FaceDetector(options), detector).Process(await File.ReadAllBytesAsync(facePath)).Landmarks.ScaledTo(size, size);
        var result = await SpeechVideoCheck.MeasureAsync(VideoPath, face, detector, mouthCrops: true);
        Console.WriteLine($"read back: {result.Frames} frames; inner-lip gap vs loudness r = {result.Correlation:F2}; gap {result.SilentGap:F3} of the mouth's width in silence, {result.SpeakingGap:F3} speaking");
        Sheet(result.PerFrame);
        foreach (var f in result.PerFrame) f.Mouth?.Dispose();
        Console.WriteLine($"the mouth across the utterance: {Path.GetFullPath(SheetPath)}");
    }

    /// <summary>Every third frame from the first to the last spoken one, eight to a row, each labelled with its
    /// time and a bar for the loudness of its audio.</summary>
    private static void Sheet(List<(double Decibels, double Gap, Mat? Mouth)> frames)
    {
        var spoken = frames.Select((f, i) => (f, i)).Where(x => x.f.Decibels > -45).Select(x => x.i).ToList();
        if (spoken.Count == 0 || frames[0].Mouth is null) return;
        int from = Math.Max(0, spoken[0] - 3), to = Math.Min(frames.Count - 1, spoken[^1] + 3);
        var picks = Enumerable.Range(from, to - from + 1).Where(i => (i - from) % 3 == 0).Take(64).ToList();
        var tile = frames[0].Mouth!.Size();
        const int columns = 8, label = 18;
        var rows = (picks.Count + columns - 1) / columns;
        using var sheet = new Mat(rows * (tile.Height + label), columns * tile.Width, MatType.CV_8UC3, Scalar.All(24));
        for (var k = 0; k < picks.Count; k++)
        {
            var (db, _, mouth) = frames[picks[k]];
            int x = k % columns * tile.Width, y = k / columns * (tile.Height + label);
            using (var target = new Mat(sheet, new Rect(x, y, tile.Width, tile.Height))) mouth!.CopyTo(target);
            var level = Math.Clamp((db + 60) / 50, 0, 1);
            Cv2.Rectangle(sheet, new Rect(x + 2, y + tile.Height + 12, (int)((tile.Width - 4) * level), 4), new Scalar(80, 200, 255), -1);
            Cv2.PutText(sheet, $"{picks[k] / 25.0:0.00}s", new Point(x + 3, y + tile.Height + 10), HersheyFonts.HersheyPlain, 0.8, Scalar.All(230));
        }
        sheet.ImWrite(SheetPath);
    }
}
