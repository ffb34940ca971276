namespace Mirrorstage.GpuWorker.Tests;

/// <summary>Wav2Lip's audio front end written out directly from its formulas, for the whole signal at once, in
/// double precision, with a naive DFT: slow, and independent of the worker's streaming code, which it checks.</summary>
internal static class SlowMel
{
    public const int Sr = 16000, NFft = 800, Hop = 200, Mels = 80;
    public const double FMin = 55, FMax = 7600;

    public static double Mel(double hz) => hz < 1000 ? 3 * hz / 200 : 15 + 27 * Math.Log(hz / 1000) / Math.Log(6.4);
    public static double Hz(double mel) => mel < 15 ? 200 * mel / 3 : 1000 * Math.Pow(6.4, (mel - 15) / 27);

    /// <summary>The band edges in Hz: Mels + 2 points evenly spaced on the mel scale.</summary>
    public static double[] Edges() => Enumerable.Range(0, Mels + 2).Select(i => Hz(Mel(FMin) + (Mel(FMax) - Mel(FMin)) * i / (Mels + 1))).ToArray();

    /// <summary>Band b's weight at a frequency: a triangle over edges b..b+2, of unit area.</summary>
    public static double Weight(double[] edges, int b, double hz)
    {
        double lo = edges[b], mid = edges[b + 1], hi = edges[b + 2];
        double rise = (hz - lo) / (mid - lo), fall = (hi - hz) / (hi - mid);
        return Math.Max(0, Math.Min(rise, fall)) * 2 / (hi - lo);
    }

    public static double Scale(double magnitude)
    {
        var db = 20 * Math.Log10(Math.Max(1e-5, magnitude)) - 20;
        return Math.Clamp(8 * ((db + 100) / 100) - 4, -4, 4);
    }

    /// <summary>[frame][band] for frames 0..count-1 (count frames must fit in the signal without right padding).</summary>
    public static double[][] Compute(short[] pcm, int count)
    {
        var x = pcm.Select(s => s / 32768.0).ToArray();
        var y = new double[x.Length];
        for (var n = 0; n < x.Length; n++) y[n] = x[n] - (n > 0 ? 0.97 * x[n - 1] : 0);
        var edges = Edges();
        var result = new double[count][];
        for (var t = 0; t < count; t++)
        {
            var spectrum = new double[NFft / 2 + 1];
            for (var k = 0; k <= NFft / 2; k++)
            {
                double re = 0, im = 0;
                for (var i = 0; i < NFft; i++)
                {
                    var at = t * Hop - NFft / 2 + i;
                    var v = y[Math.Abs(at)] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / NFft));
                    re += v * Math.Cos(2 * Math.PI * k * i / NFft);
                    im -= v * Math.Sin(2 * Math.PI * k * i / NFft);
                }
                spectrum[k] = Math.Sqrt(re * re + im * im);
            }
            result[t] = new double[Mels];
            for (var b = 0; b < Mels; b++)
            {
                double sum = 0;
                for (var k = 0; k <= NFft / 2; k++) sum += Weight(edges, b, k * (double)Sr / NFft) * spectrum[k];
                result[t][b] = Scale(sum);
            }
        }
        return result;
    }
}
