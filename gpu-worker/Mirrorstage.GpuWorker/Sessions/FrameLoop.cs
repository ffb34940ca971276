using System.Diagnostics;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>The frame clock: each tick pulls one frame of audio from the timeline, lets it drive the mouth,
/// renders the frame and hands both to the output, then waits for the next tick. After each frame the caller
/// may stop the loop with a reason (it also hears which utterances that frame finished).</summary>
public sealed class FrameLoop(AudioTimeline timeline, IRenderEngine engine, IFrameOutput output, int width, int height, int fps)
{
    /// <summary>The reason the loop gives when the worker is shutting down.</summary>
    public const string WorkerStopping = "worker_stopping";

    public delegate ValueTask<string?> AfterFrame(long frame, IReadOnlyList<(int Utterance, long EndSample)> finished);

    /// <summary>Render time per frame (ms), for benchmarks.</summary>
    public List<double> RenderMs { get; } = [];
    public List<double> LatencyMs { get; } = [];
    public bool Measure { get; init; }

    /// <summary>How many frames the engine shows each frame after its audio arrived (wav2lip-onnx's look-ahead and
    /// latency budget): the audio, and the utterance ends it carries, are delayed by as much, so they stay with
    /// their video.</summary>
    public int AudioDelayFrames { get; init; }

    public async Task<string> RunAsync(AfterFrame after, CancellationToken ct)
    {
        using var frame = new Mat(height, width, MatType.CV_8UC3);
        using var i420 = new I420Frame(width, height);
        var samples = new short[FfmpegOutput.SampleRate / fps];
        var pcm = new byte[samples.Length * 2];
        var mouth = new MouthDrive();
        var frameTime = TimeSpan.FromSeconds(1.0 / fps);
        var clock = Stopwatch.StartNew();
        var delay = new Queue<(byte[] Pcm, List<(int, long)> Finished)>();
        for (var i = 0; i < AudioDelayFrames; i++) delay.Enqueue((new byte[pcm.Length], []));
        FrameMetrics.Started();

        for (long n = 0; !ct.IsCancellationRequested; n++)
        {
            var started = Stopwatch.GetTimestamp();
            var finished = timeline.Pull(samples, out var speech);
            engine.Render(mouth.Next(samples, speech, IdleMotion.At(n, fps)) with { Audio = samples }, frame);
            var pixels = i420.From(frame);
            Buffer.BlockCopy(samples, 0, pcm, 0, pcm.Length);
            if (AudioDelayFrames > 0)
            {
                var (late, lateFinished) = delay.Dequeue();
                delay.Enqueue((pcm, finished));
                (pcm, finished) = (late, lateFinished);
            }
            if (Measure)
            {
                RenderMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                LatencyMs.AddRange(timeline.LastPullLatencies.Select(l => l.TotalMilliseconds));
            }
            try
            {
                await output.WriteAsync(pixels, pcm, ct);
            }
            catch (IOException)
            {
                return "output_failed";
            }

            if (await after(n, finished) is { } reason) return reason;

            var due = frameTime * (n + 1) - clock.Elapsed;
            FrameMetrics.Record(due, timeline.LastPullLatencies);
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
        }
        return WorkerStopping;
    }
}
