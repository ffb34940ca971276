using System.Diagnostics.Metrics;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>How the neural engine's frames were made, as worker metrics (meter "Mirrorstage.GpuWorker",
/// counter mirrorstage.worker.neural.frames with path = model | fallback | warmup) and as running totals.</summary>
public sealed class NeuralMetrics : IDisposable
{
    public const string MeterName = "Mirrorstage.GpuWorker";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _frames;
    private readonly Histogram<double> _batchMs;
    private long _model, _fallback, _warmup, _skipped;

    public NeuralMetrics()
    {
        _frames = _meter.CreateCounter<long>("mirrorstage.worker.neural.frames", "{frame}", "Frames shown by the neural engine, by where their mouth came from");
        _batchMs = _meter.CreateHistogram<double>("mirrorstage.worker.neural.batch_ms", "ms", "Model run plus paste-back per micro-batch");
    }

    public long ModelFrames => Interlocked.Read(ref _model);
    public long FallbackFrames => Interlocked.Read(ref _fallback);
    public long WarmupFrames => Interlocked.Read(ref _warmup);
    /// <summary>Windows never run because their frame had already been shown with the fallback.</summary>
    public long SkippedWindows => Interlocked.Read(ref _skipped);

    public void Model() { Interlocked.Increment(ref _model); _frames.Add(1, new KeyValuePair<string, object?>("path", "model")); }
    public void Fallback() { Interlocked.Increment(ref _fallback); _frames.Add(1, new KeyValuePair<string, object?>("path", "fallback")); }
    public void Warmup() { Interlocked.Increment(ref _warmup); _frames.Add(1, new KeyValuePair<string, object?>("path", "warmup")); }
    public void Skipped(int windows) => Interlocked.Add(ref _skipped, windows);
    public void Batch(int size, double ms) => _batchMs.Record(ms, new KeyValuePair<string, object?>("batch", size));

    public void Dispose() => _meter.Dispose();
}
