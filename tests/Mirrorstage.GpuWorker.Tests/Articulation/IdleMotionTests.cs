using Mirrorstage.GpuWorker.Sessions;

namespace Mirrorstage.GpuWorker.Tests.Articulation;

/// <summary>Blinks between utterances come as a person's do: irregularly and quickly.</summary>
public class IdleMotionTests
{
    private const int Fps = 25;

    /// <summary>(first frame, frames shut or closing) of each blink in the first minute.</summary>
    private static List<(int Start, int Length)> Blinks()
    {
        var blinks = new List<(int, int)>();
        for (var n = 0; n < Fps * 60; n++)
        {
            if (IdleMotion.At(n, Fps).Blink <= 0) continue;
            if (blinks.Count > 0 && blinks[^1].Item1 + blinks[^1].Item2 == n) blinks[^1] = (blinks[^1].Item1, blinks[^1].Item2 + 1);
            else blinks.Add((n, 1));
        }
        return blinks;
    }

    [Fact]
    public void Blinks_come_every_few_seconds_at_irregular_intervals()
    {
        var blinks = Blinks();
        Assert.InRange(blinks.Count, 12, 24); // about one every 2.5 to 5 s
        var gaps = blinks.Zip(blinks.Skip(1), (a, b) => (b.Start - a.Start) / (double)Fps).ToList();
        Assert.All(gaps, g => Assert.InRange(g, 0.3, 8.0));
        // Not a metronome: the intervals spread over seconds.
        Assert.True(gaps.Max() - gaps.Min() > 2, $"intervals {string.Join(", ", gaps.Select(g => g.ToString("0.00")))}");
        Assert.True(gaps.Select(g => Math.Round(g, 1)).Distinct().Count() > gaps.Count / 2, "most intervals differ");
    }

    [Fact]
    public void A_blink_is_quick_and_shuts_the_eye()
    {
        foreach (var (start, length) in Blinks())
        {
            Assert.InRange(length, 3, 8); // 120 to 320 ms
            var peak = Enumerable.Range(start, length).Max(n => IdleMotion.At(n, Fps).Blink);
            Assert.True(peak > 0.8, $"the blink at frame {start} closes the lids to {peak:0.00} only");
        }
    }
}
