using System.Diagnostics;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>One frame's work: its mel window, its drive (for the face underneath) and when it will be shown.</summary>
public sealed record MouthJob(long Frame, float[] Mel, FrameDrive Drive, long DueTimestamp);

/// <summary>Runs the model off the frame clock's thread, in micro-batches: it takes every window that is waiting,
/// and waits for the next one only while the oldest can still be done before it is due. A window whose frame has
/// already been shown (with the fallback) is dropped unrun, so a slow model never builds a backlog: it just
/// covers fewer frames. Finished frames wait in a small table until the clock takes them.</summary>
public sealed class MouthPipeline : IDisposable
{
    private readonly IMouthModel _model;
    private readonly MouthBatch _batch;
    private readonly NeuralMetrics _metrics;
    private readonly TimeSpan _frameTime;
    private readonly object _lock = new();
    private readonly Queue<MouthJob> _pending = new();
    private readonly Dictionary<long, Mat> _done = [];
    private readonly Thread _thread;
    private long _shown = -1;
    private long _waitingFor = -1;
    private bool _stopping;
    private double _msPerFrame; // running estimate of one frame's model + paste cost
    private float[]? _lastOutput;

    public MouthPipeline(IMouthModel model, MouthCompositor compositor, Action<FrameDrive, Mat> renderBase, int width, int height, int fps, NeuralMetrics metrics)
    {
        (_model, _metrics) = (model, metrics);
        _batch = new MouthBatch(model, compositor, renderBase, width, height);
        _frameTime = TimeSpan.FromSeconds(1.0 / fps);
        _thread = new Thread(Run) { IsBackground = true, Name = "wav2lip-inference" };
        _thread.Start();
    }

    /// <summary>The model's last output (3 x S x S), for the "last-mouth" fallback; null before the first.</summary>
    public float[]? LastOutput { get { lock (_lock) return _lastOutput; } }

    public void Submit(MouthJob job)
    {
        lock (_lock)
        {
            _pending.Enqueue(job);
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The finished frame, if the model made it in time. Everything up to this frame is now past. With
    /// `wait` (offline rendering, never a live session) it waits for the model instead, up to a timeout.</summary>
    public Mat? Take(long frame, bool wait = false)
    {
        lock (_lock)
        {
            if (wait)
            {
                _waitingFor = frame;
                Monitor.PulseAll(_lock);
                var until = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
                while (!_done.ContainsKey(frame) && !_stopping && Stopwatch.GetTimestamp() < until) Monitor.Wait(_lock, 100);
                _waitingFor = -1;
            }
            _shown = frame;
            _done.Remove(frame, out var result);
            foreach (var old in _done.Keys.Where(k => k < frame).ToList())
            {
                _done.Remove(old, out var stale);
                stale!.Dispose();
            }
            return result;
        }
    }

    /// <summary>Called on the inference thread when a batch fails; its frames are shown with the fallback.</summary>
    public Action<Exception>? Failed { get; init; }

    private void Run()
    {
        while (NextBatch() is { } batch)
        {
            try
            {
                RunBatch(batch);
            }
            catch (Exception e)
            {
                Failed?.Invoke(e);
            }
        }
    }

    private List<MouthJob>? NextBatch()
    {
        lock (_lock)
        {
            while (true)
            {
                if (_stopping) return null;
                var stale = 0;
                while (_pending.Count > 0 && _pending.Peek().Frame <= _shown) { _pending.Dequeue(); stale++; }
                if (stale > 0) _metrics.Skipped(stale);
                if (_pending.Count == 0) { Monitor.Wait(_lock); continue; }

                var n = Math.Min(_pending.Count, _model.MaxBatch);
                // Wait a frame for one more window only if the oldest would still be ready in time, with two frames
                // to spare for a busy machine.
                var slack = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _pending.Peek().DueTimestamp);
                var withOneMore = 3 * _frameTime + TimeSpan.FromMilliseconds(_msPerFrame * (n + 1) * 1.2);
                if (n < _model.MaxBatch && slack > withOneMore && _waitingFor < 0)
                {
                    Monitor.Wait(_lock, _frameTime);
                    continue;
                }
                var batch = new List<MouthJob>(n);
                for (var i = 0; i < n; i++) batch.Add(_pending.Dequeue());
                return batch;
            }
        }
    }

    private void RunBatch(List<MouthJob> jobs)
    {
        var started = Stopwatch.GetTimestamp();
        var (frames, last) = _batch.Run(jobs);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _metrics.Batch(jobs.Count, ms);
        lock (_lock)
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                if (jobs[i].Frame > _shown) _done[jobs[i].Frame] = frames[i];
                else frames[i].Dispose(); // shown with the fallback meanwhile
            }
            _msPerFrame = _msPerFrame == 0 ? ms / jobs.Count : 0.8 * _msPerFrame + 0.2 * (ms / jobs.Count);
            _lastOutput = last;
            Monitor.PulseAll(_lock);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.PulseAll(_lock);
        }
        _thread.Join();
        lock (_lock)
        {
            foreach (var m in _done.Values) m.Dispose();
            _done.Clear();
        }
    }
}
