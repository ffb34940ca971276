using Mirrorstage.GpuWorker.Audio;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The fixture speech in every encoded format the socket accepts, fed in 4 KB pieces as a client
/// would stream it: samples must come out before the input ends, and the whole must match the PCM fixture.</summary>
public class StreamingDecoderTests
{
    private static string Fixture(string name) => Fixtures.Path("audio", name);

    [Theory]
    [InlineData("welcome_16k.wav", 0.999)]
    [InlineData("welcome.flac", 0.99)]
    [InlineData("welcome.mp3", 0.9)]
    [InlineData("welcome.ogg", 0.9)]
    public async Task Encoded_speech_is_decoded_while_it_streams_and_matches_the_PCM(string file, double minCorrelation)
    {
        var encoded = await File.ReadAllBytesAsync(Fixture(file));
        var pcm = await File.ReadAllBytesAsync(Fixture("welcome_16k.pcm"));
        var expected = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, expected, 0, expected.Length * 2);
        Assert.NotEqual(AudioKind.Pcm, AudioFormat.Sniff(encoded));

        var decoded = new List<short>();
        var beforeEnd = 0;
        await using var decoder = new StreamingDecoder("ffmpeg", s => { lock (decoded) decoded.AddRange(s); return true; });
        for (var i = 0; i < encoded.Length; i += 4096)
        {
            await decoder.WriteAsync(encoded.AsMemory(i, Math.Min(4096, encoded.Length - i)), default);
            await Task.Delay(5);
        }
        await Task.Delay(300); // a streaming decoder has produced most of it by now, with the input still open
        lock (decoded) beforeEnd = decoded.Count;
        Assert.True(await decoder.FinishAsync(default), decoder.Errors);

        Assert.True(beforeEnd > expected.Length / 2, $"{file}: only {beforeEnd} of {decoded.Count} samples before the input ended. {decoder.Errors}");
        Assert.InRange(decoded.Count, expected.Length * 0.97, expected.Length * 1.05);
        var best = BestCorrelation(expected, [.. decoded]);
        Console.WriteLine($"{file}: {decoded.Count} samples ({beforeEnd} before the end of input), correlation {best:0.0000}");
        Assert.True(best >= minCorrelation, $"{file}: correlation {best:0.0000}");
    }

    [Fact]
    public async Task Garbage_fails_clearly_and_later_writes_do_not_hang()
    {
        var garbage = new byte[256 * 1024];
        Random.Shared.NextBytes(garbage);
        "ID3"u8.CopyTo(garbage);
        await using var decoder = new StreamingDecoder("ffmpeg", _ => true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 8; i++) await decoder.WriteAsync(garbage, timeout.Token); // 2 MB, more than the pipe holds
        Assert.False(await decoder.FinishAsync(timeout.Token));
        Assert.False(string.IsNullOrWhiteSpace(decoder.Errors));
    }

    /// <summary>Normalised correlation, allowing the decoder a small start offset (codec priming).</summary>
    private static double BestCorrelation(short[] a, short[] b)
    {
        var best = double.MinValue;
        for (var shift = -2000; shift <= 2000; shift += 1)
        {
            double ab = 0, aa = 0, bb = 0;
            for (var i = 0; i < a.Length; i += 4)
            {
                var j = i + shift;
                if (j < 0 || j >= b.Length) continue;
                ab += (double)a[i] * b[j]; aa += (double)a[i] * a[i]; bb += (double)b[j] * b[j];
            }
            if (aa > 0 && bb > 0) best = Math.Max(best, ab / Math.Sqrt(aa * bb));
        }
        return best;
    }
}
