namespace Mirrorstage.GpuWorker.Audio;

/// <summary>The session's speech as 16 kHz mono s16 samples waiting to be played. The frame clock pulls exactly
/// one frame's worth per video frame (silence when empty), so audio and video advance together. Utterance
/// ends are marks in the timeline: when the last sample before a mark is played, the utterance is done.</summary>
public sealed class AudioTimeline(int maxBufferedSamples)
{
    private readonly Queue<short> _samples = new();
    private readonly Queue<(long EndSample, int Utterance)> _marks = new();
    private readonly object _lock = new();
    private readonly Queue<(long FirstSample, long ArrivedTicks)> _arrivals = new();
    private long _received; // samples ever appended
    private long _played;   // samples ever pulled

    public long PlayedSamples { get { lock (_lock) return _played; } }

    /// <summary>False when the buffer would exceed its bound; nothing is appended then.</summary>
    public bool TryAppend(ReadOnlySpan<short> samples)
    {
        lock (_lock)
        {
            if (_samples.Count + samples.Length > maxBufferedSamples) return false;
            if (_arrivals.Count < 1024) _arrivals.Enqueue((_received, System.Diagnostics.Stopwatch.GetTimestamp()));
            foreach (var s in samples) _samples.Enqueue(s);
            _received += samples.Length;
            return true;
        }
    }

    /// <summary>Marks the end of an utterance at everything received so far.</summary>
    public void MarkUtteranceEnd(int utterance)
    {
        lock (_lock) _marks.Enqueue((_received, utterance));
    }

    /// <summary>Drops everything queued (the client's "clear"); pending utterances complete at once.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _played += _samples.Count;
            _samples.Clear();
            _arrivals.Clear();
        }
    }

    /// <summary>Fills `frame` with the next samples (zero-padded) and returns utterances completed by them.</summary>
    /// <summary>For each appended chunk whose first sample went out with the last pull: how long it waited
    /// from arrival to the frame that carries it.</summary>
    public List<TimeSpan> LastPullLatencies { get; } = [];

    public List<(int Utterance, long EndSample)> Pull(Span<short> frame, out int speechSamples)
    {
        var done = new List<(int, long)>();
        lock (_lock)
        {
            LastPullLatencies.Clear();
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            while (_arrivals.Count > 0 && _arrivals.Peek().FirstSample < _played + Math.Min(frame.Length, _samples.Count))
                LastPullLatencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(_arrivals.Dequeue().ArrivedTicks, now));
            speechSamples = Math.Min(frame.Length, _samples.Count);
            for (var i = 0; i < speechSamples; i++) frame[i] = _samples.Dequeue();
            frame[speechSamples..].Clear();
            _played += speechSamples;
            while (_marks.Count > 0 && _marks.Peek().EndSample <= _played)
            {
                var (end, utterance) = _marks.Dequeue();
                done.Add((utterance, end));
            }
        }
        return done;
    }
}
