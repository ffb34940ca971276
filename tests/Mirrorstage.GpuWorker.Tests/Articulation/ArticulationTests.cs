using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Rendering;

namespace Mirrorstage.GpuWorker.Tests.Articulation;

/// <summary>Speech features and the mouth they drive, on synthetic vowels (a 120 Hz glottal pulse train
/// through two formant resonators at known frequencies) so the expected answer is known.</summary>
public class ArticulationTests
{
    private const int Frame = 640; // one 25 fps frame at 16 kHz

    /// <summary>n samples of a vowel with formants f1, f2 at about -20 dBFS.</summary>
    internal static short[] Vowel(double f1, double f2, int n, double gain = 1)
    {
        var x = new double[n];
        for (var i = 0; i < n; i += 16_000 / 120) x[i] = 1;
        foreach (var (f, bw) in new[] { (f1, 80.0), (f2, 120.0) })
        {
            // Two-pole resonator: y[n] = x[n] + 2r cos(w) y[n-1] - r^2 y[n-2]
            double r = Math.Exp(-Math.PI * bw / 16_000), w = 2 * Math.PI * f / 16_000, y1 = 0, y2 = 0;
            for (var i = 0; i < n; i++) { var y = x[i] + 2 * r * Math.Cos(w) * y1 - r * r * y2; (y2, y1) = (y1, y); x[i] = y; }
        }
        var peak = x.Max(Math.Abs);
        return x.Select(v => (short)(v / peak * 9000 * gain)).ToArray();
    }

    [Theory]
    [InlineData(750, 1200)] // a as in "father"
    [InlineData(300, 2300)] // i as in "see"
    [InlineData(320, 800)]  // u as in "food"
    public void Formants_are_found_where_the_vowel_has_them(double f1, double f2)
    {
        var f = new SpeechFeatures().Analyse(Vowel(f1, f2, Frame));
        Assert.InRange(f.F1, f1 - 100, f1 + 100);
        Assert.InRange(f.F2, f2 - 150, f2 + 150);
    }

    [Fact]
    public void Open_vowels_open_the_jaw_further_and_ee_spreads_while_oo_rounds()
    {
        FrameDrive Settle(short[] vowel)
        {
            var drive = new MouthDrive();
            FrameDrive d = default;
            for (var k = 0; k < 8; k++) d = drive.Next(vowel.AsSpan(k * Frame, Frame), Frame, default);
            return d;
        }
        var a = Settle(Vowel(750, 1200, 8 * Frame));
        var i = Settle(Vowel(300, 2300, 8 * Frame));
        var u = Settle(Vowel(320, 800, 8 * Frame));
        Assert.True(a.MouthOpen > i.MouthOpen + 0.2, $"a {a.MouthOpen:0.00} vs i {i.MouthOpen:0.00}");
        Assert.True(i.Spread > 0.5, $"i spreads {i.Spread:0.00}");
        Assert.True(u.Spread < -0.3, $"u rounds {u.Spread:0.00}");
    }

    [Fact]
    public void Silence_closes_the_lips_within_a_few_frames_and_a_steady_vowel_does_not_jitter()
    {
        var drive = new MouthDrive();
        var vowel = Vowel(700, 1300, 10 * Frame);
        var opens = new List<double>();
        for (var k = 0; k < 10; k++) opens.Add(drive.Next(vowel.AsSpan(k * Frame, Frame), Frame, default).MouthOpen);
        var steady = opens.Skip(4).ToList();
        Assert.True(steady.Max() - steady.Min() < 0.05, $"steady vowel varies {steady.Max() - steady.Min():0.000}");
        var silence = new short[Frame];
        double open = 1;
        for (var k = 0; k < 8; k++) open = drive.Next(silence, 0, default).MouthOpen;
        Assert.Equal(0, open);
    }

    [Fact]
    public void Hiss_keeps_the_teeth_nearly_together()
    {
        var noise = new short[Frame];
        var random = new Random(7);
        for (var i = 0; i < Frame; i++) noise[i] = (short)((random.NextDouble() - 0.5) * 12000); // white: s-like
        var (hiss, _) = MouthDrive.Targets(new SpeechFeatures().Analyse(noise));
        var (vowel, _) = MouthDrive.Targets(new SpeechFeatures().Analyse(Vowel(700, 1300, Frame)));
        Assert.True(hiss < vowel * 0.5, $"hiss opens {hiss:0.00}, a vowel {vowel:0.00}");
    }

    [Fact]
    public void The_head_nods_with_speech_and_drifts_a_little_in_silence()
    {
        var head = new HeadMotion();
        var quiet = Enumerable.Range(0, 50).Select(_ => head.Next(-120)).ToList();
        Assert.InRange(quiet.Max(p => Math.Abs(p.Roll)), 0.001, 0.02);
        var loud = Enumerable.Range(0, 50).Select(k => head.Next(k % 6 < 3 ? -15 : -60)).ToList(); // syllables
        Assert.True(loud.Max(p => p.Y) - loud.Min(p => p.Y) > 2 * (quiet.Max(p => p.Y) - quiet.Min(p => p.Y)), "speech moves the head more than idling");
        Assert.True(loud.Max(p => Math.Abs(p.Y)) < 0.03, "small: under 3% of the frame");
    }
}
