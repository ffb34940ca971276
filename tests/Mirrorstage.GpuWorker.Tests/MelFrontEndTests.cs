using Mirrorstage.GpuWorker.Audio;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The streaming Wav2Lip mel front end against values derived without it: a pure tone's band and level
/// from the closed form of a Hann-windowed sinusoid, and a direct slow computation of the same formulas.</summary>
public class MelFrontEndTests
{
    private static short[] Speech(int samples)
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("audio", "welcome_16k.pcm"));
        var pcm = new short[Math.Min(samples, bytes.Length / 2)];
        Buffer.BlockCopy(bytes, 0, pcm, 0, pcm.Length * 2);
        return pcm;
    }

    [Theory]
    [InlineData(10)]
    [InlineData(40)]
    [InlineData(70)]
    public void A_pure_tone_lights_the_band_centred_nearest_it_at_the_level_of_the_closed_form(int band)
    {
        var edges = SlowMel.Edges();
        var k0 = (int)Math.Round(edges[band + 1] / 20); // an FFT bin (20 Hz apart): whole periods in the window
        var hz = k0 * 20.0;
        const double amplitude = 0.3;
        var pcm = Enumerable.Range(0, 16000).Select(n => (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * hz * n / 16000))).ToArray();

        var frames = new MelStream(MelParameters.Wav2Lip).Append(pcm);
        var steady = frames[20];

        // A periodic-Hann window puts A*N/4 in the tone's bin and A*N/8 in each neighbour; pre-emphasis scales the
        // tone by |1 - 0.97 e^{-iw}|.
        var w = 2 * Math.PI * hz / 16000;
        var gain = Math.Sqrt(1 - 2 * 0.97 * Math.Cos(w) + 0.97 * 0.97);
        var a = amplitude * 32767 / 32768 * gain;
        var mel = a * 800 / 4 * SlowMel.Weight(edges, band, hz) + a * 800 / 8 * (SlowMel.Weight(edges, band, hz - 20) + SlowMel.Weight(edges, band, hz + 20));

        Assert.Equal(band, Array.IndexOf(steady, steady.Max()));
        Assert.Equal(SlowMel.Scale(mel), steady[band], 0.01);
        Assert.True(steady[band] - steady[band + 3] > 1, $"band {band} {steady[band]:0.00} vs {band + 3} {steady[band + 3]:0.00}");
    }

    [Fact]
    public void Streamed_in_uneven_pieces_it_equals_a_direct_slow_computation_of_the_formulas()
    {
        var pcm = Speech(16000 * 2);
        var count = (pcm.Length - 400) / 200 + 1; // the last frame ends on the last sample
        var expected = SlowMel.Compute(pcm, count);

        var stream = new MelStream(MelParameters.Wav2Lip);
        var frames = new List<float[]>();
        var sizes = new[] { 1, 37, 640, 3001, 199, 200 };
        for (int at = 0, i = 0; at < pcm.Length; i++)
        {
            var n = Math.Min(sizes[i % sizes.Length], pcm.Length - at);
            frames.AddRange(stream.Append(pcm.AsSpan(at, n)));
            at += n;
        }

        Assert.Equal(count, frames.Count);
        var worst = 0.0;
        for (var t = 0; t < count; t++)
        for (var b = 0; b < 80; b++)
            worst = Math.Max(worst, Math.Abs(expected[t][b] - frames[t][b]));
        Assert.True(worst < 1e-3, $"largest difference {worst}");
        Assert.True(frames.SelectMany(f => f).Distinct().Count() > 1000, "speech gives varied values");
    }

    [Fact]
    public void Each_video_frame_gets_16_mel_frames_stepping_80_over_fps_as_soon_as_its_audio_is_complete()
    {
        const int fps = 25, perFrame = 640;
        var pcm = Speech(perFrame * 60);
        var slow = SlowMel.Compute(pcm, (pcm.Length - 400) / 200);
        var windows = new MelWindows(MelParameters.Wav2Lip, fps);
        var seen = new List<(long Frame, float[] Window, int Tick)>();
        for (var tick = 0; tick < 60; tick++)
            seen.AddRange(windows.Append(pcm.AsSpan(tick * perFrame, perFrame)).Select(w => (w.VideoFrame, w.Window, tick)));

        var worstLag = 0;
        for (var i = 0; i < seen.Count; i++)
        {
            var (n, window, tick) = seen[i];
            Assert.Equal(i, n);
            var start = (int)Math.Floor(n * 80.0 / fps);
            var neededSamples = (start + 15) * 200 + 400;
            Assert.Equal((int)Math.Ceiling(neededSamples / (double)perFrame) - 1, tick);
            worstLag = Math.Max(worstLag, tick - (int)n);
            for (var t = 0; t < 16; t++)
            for (var b = 0; b < 80; b++)
                Assert.Equal(slow[start + t][b], window[b * 16 + t], 1e-3);
        }
        Assert.True(seen.Count >= 50);
        Assert.Equal(worstLag, MelWindows.LookAheadFrames(MelParameters.Wav2Lip, fps));
    }
}
