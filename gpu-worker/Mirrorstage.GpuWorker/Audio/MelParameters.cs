namespace Mirrorstage.GpuWorker.Audio;

/// <summary>The audio front end of Wav2Lip and the models trained like it: a magnitude STFT of pre-emphasised
/// 16 kHz speech, Slaney mel bands, decibels relative to a reference level, scaled symmetrically to +-MaxAbs.
/// A model trained on other features would need its own front end: these are part of the model's interface.</summary>
public sealed record MelParameters(
    int SampleRate = 16_000,
    double PreEmphasis = 0.97,
    int FftSize = 800,
    int Hop = 200,
    int WindowLength = 800,
    int Bands = 80,
    double MinHz = 55,
    double MaxHz = 7600,
    double RefLevelDb = 20,
    double MinLevelDb = -100,
    double MaxAbs = 4)
{
    public static readonly MelParameters Wav2Lip = new();

    /// <summary>Mel frames in one window handed to the model (200 ms at the default hop).</summary>
    public const int WindowFrames = 16;

    /// <summary>Mel frames per second (80 at the defaults).</summary>
    public double FramesPerSecond => SampleRate / (double)Hop;

    /// <summary>Maps a mel magnitude to the model's scale: dB, minus the reference, clipped to +-MaxAbs.</summary>
    public float Normalise(double magnitude)
    {
        var floor = Math.Pow(10, MinLevelDb / 20);
        var db = 20 * Math.Log10(Math.Max(floor, magnitude)) - RefLevelDb;
        var scaled = 2 * MaxAbs * ((db - MinLevelDb) / -MinLevelDb) - MaxAbs;
        return (float)Math.Clamp(scaled, -MaxAbs, MaxAbs);
    }
}
