namespace Mirrorstage.GpuWorker.Audio;

/// <summary>What one video frame of speech sounds like: its level (dBFS), its first two formants from an LPC
/// envelope (F1 rises as the jaw opens, F2 as the lips spread and the tongue moves forward; 0 when unvoiced)
/// and how hissy it is (zero crossings per sample: high for s, sh, f).</summary>
public readonly record struct SpeechFrame(double Decibels, double F1, double F2, double Hiss)
{
    public static readonly SpeechFrame Silence = new(-120, 0, 0, 0);
}

/// <summary>Computes <see cref="SpeechFrame"/>s from 16 kHz samples: pre-emphasis, a Hamming window, order-14
/// LPC by Levinson-Durbin, and the envelope 1/|A(f)| scanned every 25 Hz for its first peaks. Buffers are
/// reused: one instance per session.</summary>
public sealed class SpeechFeatures
{
    private const int Order = 14, SampleRate = 16_000;
    private const double StepHz = 25, LowHz = 150, HighHz = 3400;
    private static readonly int Bins = (int)((HighHz - LowHz) / StepHz) + 1;
    private static readonly double[] Cos = Table(Math.Cos), Sin = Table(Math.Sin);
    private double[] _x = [];
    private readonly double[] _r = new double[Order + 1], _a = new double[Order + 1], _tmp = new double[Order + 1];
    private readonly double[] _envelope = new double[Bins];

    public SpeechFrame Analyse(ReadOnlySpan<short> samples)
    {
        var n = samples.Length;
        if (n < 2 * Order) return SpeechFrame.Silence;
        if (_x.Length != n) _x = new double[n];
        double energy = 0;
        var crossings = 0;
        for (var i = 0; i < n; i++)
        {
            double s = samples[i] / 32768.0;
            energy += s * s;
            if (i > 0 && (samples[i] >= 0) != (samples[i - 1] >= 0)) crossings++;
            var pre = s - 0.97 * (i > 0 ? samples[i - 1] / 32768.0 : 0);
            _x[i] = pre * (0.54 - 0.46 * Math.Cos(2 * Math.PI * i / (n - 1)));
        }
        var db = 10 * Math.Log10(Math.Max(energy / n, 1e-12));
        var hiss = crossings / (double)n;
        if (db < -60) return new(db, 0, 0, hiss);
        var (f1, f2) = hiss > 0.3 ? (0, 0) : Formants(n);
        return new(db, f1, f2, hiss);
    }

    private (double F1, double F2) Formants(int n)
    {
        for (var lag = 0; lag <= Order; lag++)
        {
            double sum = 0;
            for (var i = lag; i < n; i++) sum += _x[i] * _x[i - lag];
            _r[lag] = sum;
        }
        if (_r[0] <= 0) return (0, 0);
        _r[0] *= 1.0001; // a little white noise keeps the recursion stable
        // Levinson-Durbin: a[0] = 1, prediction error shrinks each order.
        Array.Clear(_a);
        _a[0] = 1;
        var error = _r[0];
        for (var m = 1; m <= Order; m++)
        {
            var acc = _r[m];
            for (var j = 1; j < m; j++) acc += _a[j] * _r[m - j];
            var k = -acc / error;
            Array.Copy(_a, _tmp, m);
            for (var j = 1; j < m; j++) _a[j] = _tmp[j] + k * _tmp[m - j];
            _a[m] = k;
            error *= 1 - k * k;
            if (error <= 0) return (0, 0);
        }
        for (var b = 0; b < Bins; b++)
        {
            double re = 0, im = 0;
            for (var j = 0; j <= Order; j++)
            {
                re += _a[j] * Cos[b * (Order + 1) + j];
                im -= _a[j] * Sin[b * (Order + 1) + j];
            }
            _envelope[b] = 1 / (re * re + im * im);
        }
        double f1 = 0, f2 = 0;
        for (var b = 1; b < Bins - 1; b++)
        {
            if (!(_envelope[b] > _envelope[b - 1] && _envelope[b] >= _envelope[b + 1])) continue;
            var hz = LowHz + b * StepHz;
            if (f1 == 0 && hz is >= 200 and <= 1100) f1 = hz;
            else if (f1 != 0 && hz - f1 > 250 && hz <= 3000) { f2 = hz; break; }
        }
        return (f1, f2);
    }

    /// <summary>cos/sin(2 pi f j / fs) for every scanned frequency f and coefficient j.</summary>
    private static double[] Table(Func<double, double> wave)
    {
        var t = new double[Bins * (Order + 1)];
        for (var b = 0; b < Bins; b++)
            for (var j = 0; j <= Order; j++)
                t[b * (Order + 1) + j] = wave(2 * Math.PI * (LowHz + b * StepHz) * j / SampleRate);
        return t;
    }
}
