namespace Mirrorstage.GpuWorker.Audio;

/// <summary>The mel front end computed as audio arrives. Frame t is the STFT of the pre-emphasised signal
/// centred on sample t * hop (librosa's centre=True, the start reflected), so it is complete once the samples up to
/// t * hop + n_fft / 2 have arrived; each frame is computed once, the moment it is complete. The result equals
/// the whole-signal computation frame for frame, whatever the pieces the audio comes in.</summary>
public sealed class MelStream
{
    private readonly MelParameters _p;
    private readonly MelFilterBank _bank;
    private readonly MelFft _fft;
    private readonly double[] _window;
    private readonly List<double> _emphasised = []; // from sample _dropped on
    private readonly double[] _frame;
    private readonly float[] _magnitude;
    private readonly double[] _bands;
    private long _dropped;
    private double _previous;
    private long _received;

    public MelStream(MelParameters p)
    {
        if (p.WindowLength != p.FftSize) throw new ArgumentException("The window must span n_fft.", nameof(p));
        _p = p;
        _bank = new MelFilterBank(p);
        _fft = new MelFft(p.FftSize);
        // Periodic Hann, as scipy.signal.get_window('hann', N, fftbins=True) gives it.
        _window = Enumerable.Range(0, p.FftSize).Select(n => 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / p.FftSize)).ToArray();
        _frame = new double[p.FftSize];
        _magnitude = new float[p.FftSize / 2 + 1];
        _bands = new double[p.Bands];
    }

    public MelParameters Parameters => _p;

    /// <summary>Frames computed so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Takes s16 samples (full scale = 1.0) and returns the frames they completed, each Bands values
    /// on the model's +-MaxAbs scale.</summary>
    public List<float[]> Append(ReadOnlySpan<short> samples)
    {
        foreach (var s in samples)
        {
            var x = s / 32768.0;
            _emphasised.Add(_received == 0 ? x : x - _p.PreEmphasis * _previous);
            _previous = x;
            _received++;
        }
        var done = new List<float[]>();
        var half = _p.FftSize / 2;
        while (Frames * _p.Hop + half <= _received)
        {
            done.Add(Compute(Frames * _p.Hop - half));
            Frames++;
        }
        // Keep what the next frame still reads (and the first n_fft/2 samples, which the start reflects).
        var keepFrom = Math.Max(0, Frames * _p.Hop - half);
        if (keepFrom > _dropped + 4 * _p.FftSize && keepFrom > half + 1)
        {
            var drop = (int)(keepFrom - _dropped);
            _emphasised.RemoveRange(0, drop);
            _dropped += drop;
        }
        return done;
    }

    private float[] Compute(long start)
    {
        for (var i = 0; i < _p.FftSize; i++)
        {
            var t = start + i;
            _frame[i] = Sample(t < 0 ? -t : t) * _window[i]; // reflect about sample 0
        }
        _fft.Magnitudes(_frame, _magnitude);
        _bank.Apply(_magnitude, _bands);
        var mel = new float[_bands.Length];
        for (var b = 0; b < mel.Length; b++) mel[b] = _p.Normalise(_bands[b]);
        return mel;
    }

    private double Sample(long t) => _emphasised[(int)(t - _dropped)];
}
