using Mirrorstage.GpuWorker.Rendering;

namespace Mirrorstage.GpuWorker.Audio;

/// <summary>Speech to articulation, one video frame at a time (no look-ahead): the level opens the lips,
/// scaled by F1 (open vowels open the jaw further); F2 spreads the lips (high, "ee") or rounds them (low,
/// "oo"); hiss (s, sh, f) keeps the teeth nearly together; silence closes the lips. Attack is fast and
/// release a little slower, so syllables read without jitter. The head nods and tilts with the speech
/// (<see cref="HeadMotion"/>).</summary>
public sealed class MouthDrive
{
    private readonly SpeechFeatures _features = new();
    private readonly HeadMotion _head = new();
    private double _open, _spread;

    /// <summary>The last frame's analysis, for measurements.</summary>
    public SpeechFrame Last { get; private set; } = SpeechFrame.Silence;

    public FrameDrive Next(ReadOnlySpan<short> samples, int speechSamples, FrameDrive idle)
    {
        var frame = speechSamples > 0 ? _features.Analyse(samples[..speechSamples]) : SpeechFrame.Silence;
        Last = frame;
        var (open, spread) = Targets(frame);
        _open += (open - _open) * (open > _open ? 0.65 : 0.45);
        _spread += (spread - _spread) * 0.35;
        if (_open < 0.01) _open = 0;
        var pose = _head.Next(frame.Decibels);
        return idle with { MouthOpen = _open, Spread = _spread, HeadX = pose.X, HeadY = pose.Y, HeadRoll = pose.Roll };
    }

    /// <summary>The articulation a frame of speech asks for, before smoothing.</summary>
    public static (double Open, double Spread) Targets(SpeechFrame f)
    {
        var loud = Math.Clamp((f.Decibels + 48) / 28, 0, 1);     // -48 dBFS closed .. -20 dBFS fully driven
        if (loud <= 0) return (0, 0);
        var jaw = f.F1 > 0 ? Math.Clamp((f.F1 - 250) / 550, 0, 1) : 0.3;
        var open = loud * (0.45 + 0.55 * jaw);
        if (f.Hiss > 0.25) open *= 0.35;                          // fricatives: teeth close, lips part a little
        var spread = f.F2 > 0 ? Math.Clamp((f.F2 - 1350) / 800, -1, 1) : f.Hiss > 0.25 ? 0.4 : 0;
        return (open, spread);
    }
}
