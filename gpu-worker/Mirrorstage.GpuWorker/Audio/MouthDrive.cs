using Mirrorstage.GpuWorker.Rendering;

namespace Mirrorstage.GpuWorker.Audio;

/// <summary>Speech to mouth motion: loudness opens the jaw (fast attack, slower release, so syllables read
/// clearly without jitter) and brightness (zero-crossing rate, a cheap spectral cue) widens the lips.</summary>
public sealed class MouthDrive
{
    private double _open;
    private double _spread;

    public FrameDrive Next(ReadOnlySpan<short> samples, int speechSamples, FrameDrive idle)
    {
        double target = 0, bright = 0;
        if (speechSamples > 0)
        {
            double sum = 0;
            var crossings = 0;
            for (var i = 0; i < speechSamples; i++)
            {
                sum += (double)samples[i] * samples[i];
                if (i > 0 && (samples[i] >= 0) != (samples[i - 1] >= 0)) crossings++;
            }
            var rms = Math.Sqrt(sum / speechSamples) / 32768.0;
            var db = 20 * Math.Log10(Math.Max(rms, 1e-6));
            target = Math.Clamp((db + 45) / 30, 0, 1);             // -45 dBFS closed .. -15 dBFS wide open
            bright = Math.Clamp(crossings / (double)speechSamples * 8, 0, 1);
        }
        _open += (target - _open) * (target > _open ? 0.7 : 0.35);
        _spread += (bright - _spread) * 0.3;
        if (_open < 0.01) _open = 0;
        return idle with { MouthOpen = _open, Spread = _spread, Blink = speechSamples > 0 ? idle.Blink * 0.5 : idle.Blink };
    }
}
