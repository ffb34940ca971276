namespace Mirrorstage.GpuWorker.Audio;

/// <summary>Triangular mel filters on the Slaney scale (linear below 1 kHz, logarithmic above), each scaled to
/// unit area (Slaney normalisation), as librosa builds them by default. Stored sparse: each band keeps only the
/// FFT bins its triangle covers.</summary>
public sealed class MelFilterBank
{
    private const double LinearHzPerMel = 200.0 / 3, LogStartHz = 1000, LogStartMel = LogStartHz / LinearHzPerMel;
    private static readonly double LogStep = Math.Log(6.4) / 27;

    private readonly (int First, float[] Weights)[] _bands;

    public MelFilterBank(MelParameters p)
    {
        var bins = p.FftSize / 2 + 1;
        var lo = HzToMel(p.MinHz);
        var hi = HzToMel(p.MaxHz);
        var edges = Enumerable.Range(0, p.Bands + 2).Select(i => MelToHz(lo + (hi - lo) * i / (p.Bands + 1))).ToArray();
        _bands = new (int, float[])[p.Bands];
        for (var b = 0; b < p.Bands; b++)
        {
            double left = edges[b], centre = edges[b + 1], right = edges[b + 2], scale = 2 / (right - left);
            var weights = new List<float>();
            var first = -1;
            for (var k = 0; k < bins; k++)
            {
                var hz = k * (double)p.SampleRate / p.FftSize;
                var w = Math.Max(0, Math.Min((hz - left) / (centre - left), (right - hz) / (right - centre)));
                if (w <= 0) { if (first >= 0) break; continue; }
                if (first < 0) first = k;
                weights.Add((float)(w * scale));
            }
            _bands[b] = (Math.Max(first, 0), weights.ToArray());
        }
    }

    public int Bands => _bands.Length;

    /// <summary>Band energies (magnitudes) of one magnitude spectrum.</summary>
    public void Apply(ReadOnlySpan<float> magnitude, Span<double> bands)
    {
        for (var b = 0; b < _bands.Length; b++)
        {
            var (first, weights) = _bands[b];
            double sum = 0;
            for (var i = 0; i < weights.Length; i++) sum += weights[i] * magnitude[first + i];
            bands[b] = sum;
        }
    }

    public static double HzToMel(double hz) =>
        hz < LogStartHz ? hz / LinearHzPerMel : LogStartMel + Math.Log(hz / LogStartHz) / LogStep;

    public static double MelToHz(double mel) =>
        mel < LogStartMel ? mel * LinearHzPerMel : LogStartHz * Math.Exp(LogStep * (mel - LogStartMel));
}
