using System.Diagnostics;
using Mirrorstage.GpuWorker.Audio;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>The wav2lip-onnx engine for one face. Each frame's audio feeds the mel front end; each complete
/// window goes to the inference pipeline with its drive. The frame shown is the one DelayFrames back (the window's
/// look-ahead plus the latency budget; the frame loop delays the audio by as much, so they stay together). If the
/// model's frame is not ready by then it is shown with the fallback (the procedural mouth, or the model's last
/// mouth on the current face) and counted: the clock never waits for inference.</summary>
public sealed class Wav2LipEngine : IRenderEngine
{
    private readonly IRenderEngine _fallback;   // frame-loop thread
    private readonly IRenderEngine _base;       // inference thread: the face under the mouth
    private readonly MouthCompositor _compositor;
    private readonly MouthPipeline _pipeline;
    private readonly MelWindows _mel;
    private readonly NeuralMetrics _metrics;
    private readonly ILogger _log;
    private readonly bool _lastMouth;
    private readonly long _frameTicks;
    private readonly Dictionary<long, FrameDrive> _drives = [];
    private long _tick;
    private long _lateStreak;

    public Wav2LipEngine(IMouthModel model, IFaceAligner aligner, Func<IRenderEngine> procedural, NeuralOptions o,
        int width, int height, int fps, NeuralMetrics metrics, ILogger log)
    {
        DelayFrames = DelayFor(o, fps);
        _fallback = procedural();
        _base = procedural();
        _compositor = new MouthCompositor(aligner.Align(width, height), model.Size);
        _mel = new MelWindows(MelParameters.Wav2Lip, fps);
        (_metrics, _log, _lastMouth) = (metrics, log, o.Fallback == "last-mouth");
        _frameTicks = Stopwatch.Frequency / fps;
        _pipeline = new MouthPipeline(model, _compositor, (d, m) => _base.Render(Closed(d), m), width, height, fps, metrics)
        {
            Failed = e => log.LogError(e, "wav2lip-onnx: a batch failed; its frames fall back"),
        };
    }

    /// <summary>Frames wait for the model instead of falling back: for offline rendering and tests, where every
    /// frame must be the model's. Never for a live session, whose clock must not wait.</summary>
    public bool WaitForModel { get; init; }

    /// <summary>Frames between a frame's audio arriving and the frame being shown.</summary>
    public int DelayFrames { get; }

    public static int DelayFor(NeuralOptions o, int fps) =>
        MelWindows.LookAheadFrames(MelParameters.Wav2Lip, fps) + (int)Math.Ceiling(o.LatencyBudgetMs * fps / 1000.0);

    public MouthCompositor Compositor => _compositor;

    public enum Source { Warmup, Model, Fallback }

    /// <summary>Where the last frame's mouth came from.</summary>
    public Source LastShown { get; private set; }

    private static FrameDrive Closed(FrameDrive d) => d with { MouthOpen = 0, Spread = 0 };

    public void Render(FrameDrive drive, Mat target)
    {
        var now = _tick++;
        _drives[now] = drive with { Audio = default }; // the loop reuses its sample buffer
        foreach (var (frame, window) in _mel.Append(drive.Audio.Span))
            _pipeline.Submit(new MouthJob(frame, window, _drives[frame], Stopwatch.GetTimestamp() + (frame + DelayFrames - now) * _frameTicks));

        var shown = now - DelayFrames;
        if (shown < 0)
        {
            _fallback.Render(Closed(drive), target); // the first DelayFrames frames: no speech has reached the screen yet
            _metrics.Warmup();
            LastShown = Source.Warmup;
            return;
        }
        var due = _drives[shown];
        _drives.Remove(shown);
        using var made = _pipeline.Take(shown, WaitForModel);
        if (made is not null)
        {
            made.CopyTo(target);
            _metrics.Model();
            LastShown = Source.Model;
            if (_lateStreak > 0) _log.LogInformation("wav2lip-onnx: back on the model after {Frames} late frames", _lateStreak);
            _lateStreak = 0;
            return;
        }
        Fallback(due, target);
        _metrics.Fallback();
        LastShown = Source.Fallback;
        if (_lateStreak++ % 250 == 0)
            _log.LogWarning("wav2lip-onnx: inference is behind the {Fps} fps clock; frame {Frame} shown with the {Fallback} fallback ({Late} late in a row, {Total} in all)",
                Math.Round(Stopwatch.Frequency / (double)_frameTicks), shown, _lastMouth ? "last-mouth" : "procedural", _lateStreak, _metrics.FallbackFrames);
    }

    /// <summary>A stall this short shows the model's last mouth whatever the fallback: a frame or two of another
    /// engine's mouth between the model's would flash. A longer one shows the configured fallback, which for
    /// "procedural" keeps the mouth moving with the speech.</summary>
    public const int BridgeFrames = 3;

    private void Fallback(FrameDrive drive, Mat target)
    {
        if ((_lastMouth || _lateStreak < BridgeFrames) && _pipeline.LastOutput is { } last)
        {
            _fallback.Render(Closed(drive), target);
            _compositor.Paste(target, last, target);
            return;
        }
        _fallback.Render(drive, target);
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        _compositor.Dispose();
        _fallback.Dispose();
        _base.Dispose();
    }
}
