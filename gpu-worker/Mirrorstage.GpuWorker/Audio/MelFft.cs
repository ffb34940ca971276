using System.Numerics;

namespace Mirrorstage.GpuWorker.Audio;

/// <summary>A mixed-radix Cooley-Tukey FFT for any length whose prime factors are small (800 = 2^5 * 5^2), so the
/// front end keeps Wav2Lip's exact n_fft instead of padding to a power of two. One instance per stream: it owns
/// its scratch buffers.</summary>
public sealed class MelFft
{
    private readonly int _n;
    private readonly Complex[] _twiddles; // e^{-2 pi i k / n}
    private readonly Complex[] _input;
    private readonly Complex[] _output;
    private readonly Complex[] _group = new Complex[16];

    public MelFft(int n)
    {
        if (n < 1 || LargestFactor(n) > 16) throw new ArgumentOutOfRangeException(nameof(n), n, "FFT length must factor into primes up to 13.");
        _n = n;
        _twiddles = Enumerable.Range(0, n).Select(k => Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n)).ToArray();
        _input = new Complex[n];
        _output = new Complex[n];
    }

    /// <summary>|X[k]| for k = 0..n/2 of a real frame of length n.</summary>
    public void Magnitudes(ReadOnlySpan<double> frame, Span<float> magnitude)
    {
        for (var i = 0; i < _n; i++) _input[i] = frame[i];
        Transform(0, 1, _n, 0);
        for (var k = 0; k <= _n / 2; k++) magnitude[k] = (float)_output[k].Magnitude;
    }

    private void Transform(int inOffset, int stride, int n, int outOffset)
    {
        if (n == 1)
        {
            _output[outOffset] = _input[inOffset];
            return;
        }
        var p = SmallestFactor(n);
        var m = n / p;
        for (var r = 0; r < p; r++) Transform(inOffset + r * stride, stride * p, m, outOffset + r * m);

        var step = _n / n; // this stage's twiddles are every step-th of the full table
        for (var k = 0; k < m; k++)
        {
            for (var r = 0; r < p; r++) _group[r] = _output[outOffset + r * m + k] * _twiddles[r * k * step % _n];
            for (var q = 0; q < p; q++)
            {
                var sum = Complex.Zero;
                for (var r = 0; r < p; r++) sum += _group[r] * _twiddles[r * q * m * step % _n];
                _output[outOffset + k + q * m] = sum;
            }
        }
    }

    private static int SmallestFactor(int n)
    {
        for (var f = 2; f * f <= n; f++) if (n % f == 0) return f;
        return n;
    }

    private static int LargestFactor(int n)
    {
        var largest = 1;
        for (var f = 2; n > 1; f++) while (n % f == 0) { largest = f; n /= f; }
        return largest;
    }
}
