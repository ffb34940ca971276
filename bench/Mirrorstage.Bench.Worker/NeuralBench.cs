using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Rendering.Neural;
using Mirrorstage.GpuWorker.Sessions;
using Mirrorstage.GpuWorker.Tests.Support;
using OpenCvSharp;

namespace Mirrorstage.Bench.Worker;

/// <summary>`Mirrorstage.Bench.Worker neural model.onnx [face.png]`: the wav2lip-onnx engine on this machine's
/// CPU. Prints the model's cost per frame at batch 1, 4 and 16, then runs the real frame loop and encoder with
/// inference made artificially slow and prints the frames delivered per second (counted in the encoded file), how
/// many fell back, the A/V offset measured in that file (speech bursts in the audio against the mouth opening in
/// the video) and a PASS/FAIL verdict against the targets; the exit code is 1 on FAIL.</summary>
public static class NeuralBench
{
    private const int Width = 512, Height = 512, Fps = 25, PerFrame = 16000 / Fps;

    public static async Task<int> RunAsync(string[] args)
    {
        var path = args.ElementAtOrDefault(0) ?? throw new ArgumentException("usage: neural model.onnx [face.png]");
        var photo = args.Skip(1).FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? BenchFixture("faces", "astronaut.png");
        // The photo as the gateway stores it: the face crop and its landmarks.
        var imaging = Microsoft.Extensions.Options.Options.Create(new Mirrorstage.Imaging.ImageOptions());
        var face = new Mirrorstage.Imaging.ReferenceImageProcessor(imaging, new Mirrorstage.Imaging.FaceDetector(imaging), new Mirrorstage.Imaging.Landmarks.LandmarkDetector(imaging)).Process(File.ReadAllBytes(photo));
        using var reference = Cv2.ImDecode(face.CropPng, ImreadModes.Color);
        Console.WriteLine($"neural bench: {Environment.ProcessorCount} cores, ONNX Runtime CPU provider, {Path.GetFileName(path)}");
        foreach (var threads in args.Contains("--no-model-timing") ? [] : new[] { 1, 0 })
        {
            using var model = Wav2LipModel.Load(new NeuralOptions { ModelPath = path, MaxBatch = 16, IntraOpThreads = threads });
            foreach (var batch in new[] { 1, 4, 16 })
            {
                var ms = ModelMs(model, batch);
                Console.WriteLine($"  model {model.Size}px, {(threads == 0 ? "all cores" : "1 thread")}, batch {batch,2}: {ms / batch:F2} ms/frame ({ms:F1} ms per batch)");
            }
        }

        using var fast = Wav2LipModel.Load(new NeuralOptions { ModelPath = path, MaxBatch = 8, IntraOpThreads = 1 });
        var passed = 0;
        int[] slowdowns = [0, 120, 400];
        foreach (var perCall in slowdowns)
            if (await DegradedAsync(reference, face.Landmarks, fast, TimeSpan.FromMilliseconds(perCall))) passed++;
        var verdict = passed == slowdowns.Length ? "PASS" : "FAIL";
        Console.WriteLine($"neural bench verdict: {verdict} ({passed} of {slowdowns.Length} runs kept {Fps} frames/s delivered and |A/V offset| <= {MaxOffsetMs:F0} ms)");
        return passed == slowdowns.Length ? 0 : 1;
    }

    /// <summary>Median wall time of one batch through the model.</summary>
    private static double ModelMs(IMouthModel model, int batch)
    {
        var s = model.Size;
        var mel = new float[batch * 80 * 16];
        var face = new float[batch * 6 * s * s];
        var output = new float[batch * 3 * s * s];
        for (var i = 0; i < face.Length; i++) face[i] = i % 255 / 255f;
        var times = new List<double>();
        for (var i = 0; i < 3 + Math.Max(5, 40 / batch); i++)
        {
            var started = Stopwatch.GetTimestamp();
            model.Run(batch, mel, face, output);
            if (i >= 3) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>The degradation path's targets: the stream keeps 25 frames/s (to 1%, in the file and on the wall
    /// clock) and the mouth opens within 40 ms of the speech that drives it. The offset is the mean over the bursts:
    /// one burst is read to a whole frame (40 ms), so a single reading can be a frame off by rounding alone.</summary>
    private const double MinFramesPerSecond = Fps * 0.99, MaxOffsetMs = 40;

    /// <summary>12 s of the frame loop with speech bursts (300 ms of a voiced tone each second), inference slowed by
    /// `perCall`, encoded to an FLV file; then the frames in the file over the time they span, the loop's own rate
    /// on the wall clock, the A/V offset on the file's clock, and whether they meet the targets.</summary>
    private static async Task<bool> DegradedAsync(Mat reference, Mirrorstage.Imaging.Landmarks.FaceLandmarks landmarks, IMouthModel inner, TimeSpan perCall)
    {
        const int seconds = 12, frames = seconds * Fps;
        using var model = new SlowedModel(inner, perCall);
        using var metrics = new NeuralMetrics();
        var o = new NeuralOptions { ModelPath = "bench", LatencyBudgetMs = 200 };
        using var engine = new Wav2LipEngine(model, new LandmarkAligner(landmarks), () => new ProceduralEngine(reference, landmarks, Width, Height),
            o, Width, Height, Fps, metrics, NullLogger.Instance);
        var timeline = new AudioTimeline(16000 * 60);
        timeline.TryAppend(Bursts(seconds));
        var file = Path.Combine(Path.GetTempPath(), $"mirrorstage-neural-bench-{Guid.NewGuid():N}.flv");
        long first = 0, last = 0;
        await using (var output = FfmpegOutput.Start("ffmpeg", Width, Height, Fps, "rtmp", file))
        {
            var loop = new FrameLoop(timeline, engine, output, Width, Height, Fps) { AudioDelayFrames = engine.DelayFrames };
            await loop.RunAsync((n, _) =>
            {
                if (n == 0) first = Stopwatch.GetTimestamp();
                last = Stopwatch.GetTimestamp();
                return ValueTask.FromResult(n + 1 == frames ? "done" : null);
            }, default);
        }
        var wallRate = (frames - 1) / Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var probe = await StreamProbe.ReadAsync(file);
        var offsets = await AvOffset.MeasureAsync(file, probe, engine.Compositor.Region.Box, Fps);
        if (Environment.GetEnvironmentVariable("MIRRORSTAGE_KEEP_BENCH_FILES") is null) File.Delete(file);
        else Console.WriteLine($"    kept {file}");

        Console.WriteLine($"  inference slowed by {perCall.TotalMilliseconds:F0} ms per call: {probe.FramesPerSecond:F2} frames/s delivered ({probe.VideoFrames} frames in the file over " +
            $"{probe.VideoSeconds:F2} s; the loop ran at {wallRate:F2} frames/s of wall time); {metrics.ModelFrames} from the model, {metrics.FallbackFrames} fell back, " +
            $"{metrics.WarmupFrames} warm-up; delay {engine.DelayFrames} frames");
        var mean = offsets.Count == 0 ? double.NaN : offsets.Average();
        Console.WriteLine($"    A/V offset over {offsets.Count} bursts (mouth opening - speech onset, on the file's clock: video starts at {probe.VideoStart * 1000:F0} ms, " +
            $"audio at {probe.AudioStart * 1000:F0} ms): " + (offsets.Count == 0 ? "no bursts found" : $"mean {mean:F0} ms, worst {offsets.MaxBy(Math.Abs):F0} ms"));
        var pass = probe.VideoFrames == frames && probe.FramesPerSecond >= MinFramesPerSecond && wallRate >= MinFramesPerSecond && Math.Abs(mean) <= MaxOffsetMs;
        Console.WriteLine($"    {(pass ? "PASS" : "FAIL")}: {probe.VideoFrames}/{frames} frames in the file at {probe.FramesPerSecond:F2} frames/s, loop {wallRate:F2} frames/s " +
            $"(target {Fps}, 1% tolerance); |A/V offset| {(double.IsNaN(mean) ? "not measured" : $"{Math.Abs(mean):F0} ms")} (target <= {MaxOffsetMs:F0} ms)");
        return pass;
    }

    /// <summary>Each second: 300 ms of a 140 Hz voiced buzz (harmonics to 3 kHz), starting on a frame boundary.</summary>
    private static short[] Bursts(int seconds)
    {
        var pcm = new short[seconds * 16000];
        for (var s = 1; s < seconds - 1; s++)
        for (var i = 0; i < 4800; i++)
        {
            var t = i / 16000.0;
            double v = 0;
            for (var h = 1; h * 140 < 3000; h++) v += Math.Sin(2 * Math.PI * 140 * h * t) / h;
            pcm[s * 16000 + i] = (short)(v * 6000);
        }
        return pcm;
    }

    private static string BenchFixture(string kind, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures"))) dir = dir.Parent;
        return dir is null ? name : Path.Combine(dir.FullName, "shared", "fixtures", kind, name);
    }
}
