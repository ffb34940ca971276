namespace Mirrorstage.GpuWorker.Audio;

/// <summary>Cuts the mel stream into the model's per-video-frame windows: video frame n gets mel frames
/// [floor(n * melFps / fps), +16), stepping 80/fps frames (3.2 at 25 fps), as Wav2Lip's inference does. A window
/// is handed out the moment its last mel frame is complete. Layout: Bands rows of 16 time steps.</summary>
public sealed class MelWindows
{
    private readonly MelStream _stream;
    private readonly int _fps;
    private readonly List<float[]> _frames = [];
    private long _firstKept;
    private long _next;

    public MelWindows(MelParameters p, int fps)
    {
        if (p.SampleRate % p.Hop != 0) throw new ArgumentException("The hop must divide the sample rate.", nameof(p));
        _stream = new MelStream(p);
        _fps = fps;
    }

    /// <summary>The first mel frame of video frame n's window.</summary>
    public long StartOf(long videoFrame) => videoFrame * (_stream.Parameters.SampleRate / _stream.Parameters.Hop) / _fps;

    /// <summary>Feeds audio and returns the windows it completed, in order.</summary>
    public List<(long VideoFrame, float[] Window)> Append(ReadOnlySpan<short> samples)
    {
        _frames.AddRange(_stream.Append(samples));
        var ready = new List<(long, float[])>();
        const int width = MelParameters.WindowFrames;
        var bands = _stream.Parameters.Bands;
        while (StartOf(_next) + width <= _firstKept + _frames.Count)
        {
            var start = (int)(StartOf(_next) - _firstKept);
            var window = new float[bands * width];
            for (var t = 0; t < width; t++)
            for (var b = 0; b < bands; b++)
                window[b * width + t] = _frames[start + t][b];
            ready.Add((_next, window));
            _next++;
        }
        var drop = (int)(StartOf(_next) - _firstKept);
        if (drop > 0)
        {
            _frames.RemoveRange(0, drop);
            _firstKept += drop;
        }
        return ready;
    }

    /// <summary>How many video frames after its own audio a frame's window is complete, at worst, when audio
    /// arrives one video frame at a time: the look-ahead a renderer must delay its video (and the audio with it) by.</summary>
    public static int LookAheadFrames(MelParameters p, int fps)
    {
        var perFrame = p.SampleRate / (double)fps;
        var worst = 0;
        for (long n = 0; n < fps * 4L; n++)
        {
            var needed = (n * (p.SampleRate / p.Hop) / fps + MelParameters.WindowFrames - 1) * p.Hop + p.FftSize / 2;
            var tick = (int)Math.Ceiling(needed / perFrame) - 1; // the tick whose audio completes it
            worst = Math.Max(worst, tick - (int)n);
        }
        return worst;
    }
}
