using System.Diagnostics;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Sessions;
using OpenCvSharp;

namespace Mirrorstage.Bench.Worker;

/// <summary>`Mirrorstage.Bench.Worker [face.png] [speech_16k.pcm]`: the real frame loop, engine and ffmpeg
/// encoder (to /dev/null), on this machine. Prints render and encode cost per frame, how many real-time
/// 512x512 sessions run at once per core, and the latency from an audio chunk's arrival to the frame that
/// carries it.</summary>
public static class WorkerBench
{
    private const int Width = 512, Height = 512, Fps = 25;

    public static async Task<int> RunAsync(string[] args)
    {
        var face = args.ElementAtOrDefault(0) ?? Fixture("faces", "astronaut.png");
        var speech = await File.ReadAllBytesAsync(args.ElementAtOrDefault(1) ?? Fixture("audio", "welcome_16k.pcm"));
        var options = Microsoft.Extensions.Options.Options.Create(new Imaging.ImageOptions());
        var detector = new Imaging.Landmarks.LandmarkDetector(options);
        var processor = new Imaging.ReferenceImageProcessor(options, new Imaging.FaceDetector(options), detector);
        var photo = await File.ReadAllBytesAsync(face);
        RenderThreads.OnePerSession(); // as the worker does
        var load = Stopwatch.StartNew();
        detector.Load();
        Console.WriteLine($"worker bench: {Environment.ProcessorCount} cores, {Width}x{Height} @ {Fps} fps, procedural engine, libx264 ultrafast + AAC to /dev/null");
        Console.WriteLine($"landmark model read in {load.Elapsed.TotalSeconds:F2} s");
        var processed = processor.Process(photo);
        using var reference = Cv2.ImDecode(processed.CropPng, ImreadModes.Color);
        var landmarks = processed.Landmarks;
        await FaceFigures.PrintAsync(processor, detector, photo, reference, landmarks, speech, Width, Height);

        // 1. One session for 10 s with speech arriving as 100 ms chunks in real time.
        var single = await RunSessionsAsync(reference, landmarks, speech, sessions: 1, seconds: 10);
        var frames = single.Frames;
        Console.WriteLine($"render (engine + copy) per frame: mean {single.RenderMs.Average():F2} ms, p95 {P(single.RenderMs, 0.95):F2} ms");
        Console.WriteLine($"whole cost per frame (worker CPU + ffmpeg CPU): {single.CpuMs / frames:F2} ms  (encode share {single.EncoderCpuMs / frames:F2} ms)");
        Console.WriteLine($"audio chunk arrival -> first frame carrying it: p50 {P(single.LatencyMs, 0.5):F1} ms, p95 {P(single.LatencyMs, 0.95):F1} ms (n={single.LatencyMs.Count}; add ~1 frame of encoder delay)");

        // 2. Concurrent real-time sessions: more until one falls behind.
        var best = 1;
        for (var k = 2; k <= 24; k += 2)
        {
            var run = await RunSessionsAsync(reference, landmarks, speech, k, seconds: 8);
            Console.WriteLine($"  {k,2} sessions at once: slowest kept {run.WorstRealTime:P1} of real time; CPU per frame {run.CpuMs / run.Frames:F2} ms "
                + $"(worker {(run.CpuMs - run.EncoderCpuMs) / run.Frames:F2}, render wall time {run.RenderMs.Average():F2}; encoder {run.EncoderCpuMs / run.Frames:F2})");
            if (run.WorstRealTime < 0.98) break;
            best = k;
        }
        Console.WriteLine($"concurrent real-time sessions: {best} on {Environment.ProcessorCount} cores = {best / (double)Environment.ProcessorCount:F1} per core");
        return 0;
    }

    private sealed record Result(long Frames, List<double> RenderMs, List<double> LatencyMs, double CpuMs, double EncoderCpuMs, double WorstRealTime);

    private static async Task<Result> RunSessionsAsync(Mat reference, Imaging.Landmarks.FaceLandmarks landmarks, byte[] speech, int sessions, int seconds)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var childBefore = ChildCpu();
        var tasks = Enumerable.Range(0, sessions).Select(_ => RunOneAsync(reference, landmarks, speech, seconds)).ToList();
        var runs = await Task.WhenAll(tasks);
        var childMs = (ChildCpu() - childBefore).TotalMilliseconds;
        var ownMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        return new Result(runs.Sum(r => r.Frames), runs.SelectMany(r => r.Loop.RenderMs).ToList(), runs.SelectMany(r => r.Loop.LatencyMs).ToList(),
            ownMs + childMs, childMs, runs.Min(r => r.Frames / (double)(seconds * Fps)));
    }

    private static async Task<(long Frames, FrameLoop Loop)> RunOneAsync(Mat reference, Imaging.Landmarks.FaceLandmarks landmarks, byte[] speech, int seconds)
    {
        using var engine = new ProceduralEngine(reference, landmarks, Width, Height);
        var timeline = new AudioTimeline(16_000 * 60);
        await using var output = FfmpegOutput.Start("ffmpeg", Width, Height, Fps, "rtmp", "/dev/null");
        var loop = new FrameLoop(timeline, engine, output, Width, Height, Fps) { Measure = true };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long frames = 0;

        var feeder = Task.Run(async () =>
        {
            // As an agent streams TTS: 100 ms of PCM every 100 ms, the speech fixture over and over.
            var samples = new short[speech.Length / 2];
            Buffer.BlockCopy(speech, 0, samples, 0, samples.Length * 2);
            var clock = Stopwatch.StartNew();
            for (var chunk = 0; !stop.IsCancellationRequested; chunk++)
            {
                var offset = chunk * 1600 % (samples.Length - 1600);
                timeline.TryAppend(samples.AsSpan(offset, 1600));
                var due = TimeSpan.FromMilliseconds(100 * (chunk + 1)) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }
        });
        try
        {
            await loop.RunAsync((n, _) => { frames = n + 1; return ValueTask.FromResult<string?>(null); }, stop.Token);
        }
        catch (OperationCanceledException) { }
        await feeder;
        return (frames, loop);
    }

    /// <summary>CPU time of reaped child processes (ffmpeg), from /proc/self/stat (cutime + cstime).</summary>
    private static TimeSpan ChildCpu()
    {
        var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[13]) + long.Parse(fields[14]); // cutime, cstime (fields 16, 17)
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static double P(List<double> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }

    private static string Fixture(string kind, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures"))) dir = dir.Parent;
        return dir is null ? name : Path.Combine(dir.FullName, "shared", "fixtures", kind, name);
    }
}
