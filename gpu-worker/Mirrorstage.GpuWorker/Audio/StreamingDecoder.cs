using System.Diagnostics;

namespace Mirrorstage.GpuWorker.Audio;

/// <summary>Decodes one encoded utterance (WAV, MP3, Ogg, FLAC) with ffmpeg as it arrives: bytes go in on stdin,
/// 16 kHz mono s16 samples come out on stdout and are appended to the timeline while more is still coming.
/// ffmpeg is driven directly rather than through FFMpegCore: FFMpegCore 6.0.0's pipe transport (Unix sockets)
/// passed a streamed WAV on only once the input ended, and only its first two thirds (StreamingDecoderTests
/// shows both); stdin/stdout stream every format whole.</summary>
public sealed class StreamingDecoder : IAsyncDisposable
{
    private readonly Process _ffmpeg;
    private readonly Task _reader;
    private readonly System.Text.StringBuilder _errors = new();

    public StreamingDecoder(string ffmpegPath, Func<short[], bool> onSamples)
    {
        var info = new ProcessStartInfo(ffmpegPath) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-f", "s16le", "-ar", "16000", "-ac", "1", "pipe:1" })
            info.ArgumentList.Add(a);
        _ffmpeg = Process.Start(info) ?? throw new IOException("ffmpeg did not start");
        _ffmpeg.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) if (_errors.Length < 4096) _errors.AppendLine(e.Data); };
        _ffmpeg.BeginErrorReadLine();
        _reader = Task.Run(async () =>
        {
            var buffer = new byte[8192];
            var carry = -1;
            var stream = _ffmpeg.StandardOutput.BaseStream;
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                var bytes = carry >= 0 ? [(byte)carry, .. buffer.AsSpan(0, n)] : buffer.AsSpan(0, n).ToArray();
                carry = bytes.Length % 2 == 1 ? bytes[^1] : -1;
                var samples = new short[bytes.Length / 2];
                Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
                if (!onSamples(samples)) Overflowed = true;
            }
        });
    }

    public bool Overflowed { get; private set; }
    public string Errors { get { lock (_errors) return _errors.ToString(); } }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        try { await _ffmpeg.StandardInput.BaseStream.WriteAsync(data, ct); }
        catch (IOException) { /* ffmpeg gave up on garbage; Finish reports it */ }
    }

    /// <summary>Ends the input and waits until every decoded sample is appended. False when ffmpeg failed.</summary>
    public async Task<bool> FinishAsync(CancellationToken ct)
    {
        try { _ffmpeg.StandardInput.Close(); } catch (IOException) { }
        await _reader.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await _ffmpeg.WaitForExitAsync(ct);
        return _ffmpeg.ExitCode == 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ffmpeg.HasExited)
        {
            try { _ffmpeg.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException) { }
        _ffmpeg.Dispose();
    }
}
