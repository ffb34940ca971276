using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>Encodes raw frames and 16 kHz PCM with ffmpeg: H.264 + AAC, as FLV to RTMP(S) or as HLS segments for
/// the local preview. Video arrives on stdin and audio through a FIFO; both are queued from one frame clock,
/// one frame's worth of audio per frame, so they cannot drift. Each input has its own pump, because ffmpeg
/// opens and probes its inputs one after the other: writing both in lockstep would deadlock it.</summary>
public sealed class FfmpegOutput : IFrameOutput
{
    public const int SampleRate = 16_000;
    private readonly Process _ffmpeg;
    private readonly string _fifo;
    private readonly Task<FileStream> _audio;
    private readonly System.Text.StringBuilder _errors = new();
    private readonly Channel<(byte[] Buffer, int Length)> _videoQueue = Channel.CreateBounded<(byte[], int)>(50);
    private readonly Channel<(byte[] Buffer, int Length)> _audioQueue = Channel.CreateBounded<(byte[], int)>(50);
    private readonly Task _videoPump;
    private readonly Task _audioPump;
    private readonly PreviewFeed? _preview;
    private readonly Task _previewPump = Task.CompletedTask;

    private FfmpegOutput(Process ffmpeg, string fifo, Task<FileStream> audio, PreviewFeed? preview)
    {
        _preview = preview;
        if (preview is not null) _previewPump = preview.RunAsync(ffmpeg.StandardOutput.BaseStream);
        _ffmpeg = ffmpeg;
        _fifo = fifo;
        _audio = audio;
        _ffmpeg.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) if (_errors.Length < 8192) _errors.AppendLine(e.Data); };
        _ffmpeg.BeginErrorReadLine();
        _videoPump = PumpAsync(_videoQueue.Reader, Task.FromResult<Stream>(_ffmpeg.StandardInput.BaseStream));
        _audioPump = PumpAsync(_audioQueue.Reader, _audio.ContinueWith(t => (Stream)t.Result, TaskContinuationOptions.OnlyOnRanToCompletion));
    }

    private static async Task PumpAsync(ChannelReader<(byte[] Buffer, int Length)> queue, Task<Stream> target)
    {
        var stream = await target;
        await foreach (var (buffer, length) in queue.ReadAllAsync())
        {
            try { await stream.WriteAsync(buffer.AsMemory(0, length)); }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
        await stream.FlushAsync();
    }

    public string Errors { get { lock (_errors) return _errors.ToString(); } }
    public bool HasExited => _ffmpeg.HasExited;
    public string? FailureReason => null;

    /// <param name="recordPath">Also write an MP4 here (fragmented, so a killed encoder still leaves a playable
    /// file); null for none. One encode feeds every output through ffmpeg's tee muxer.</param>
    /// <param name="connectOptions">Options for the live output's connection (OutputConnection: the original host
    /// name where the target names a checked address).</param>
    /// <param name="preview">Also stream fragmented MP4 on stdout into this feed (the low-latency preview); null for none.</param>
    public static FfmpegOutput Start(string ffmpegPath, int width, int height, int fps, string protocol, string target, string? recordPath = null,
        IReadOnlyList<(string Name, string Value)>? connectOptions = null, X264Settings? x264 = null, PreviewFeed? preview = null)
    {
        x264 ??= X264Settings.Default;
        var fifo = Fifo.Create("mirrorstage-audio", "pcm");

        List<string> args =
        [
            "-hide_banner", "-loglevel", "error", "-y", // never prompt: stdin is the video
            "-thread_queue_size", "64", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", $"{width}x{height}", "-r", fps.ToString(), "-i", "pipe:0",
            "-thread_queue_size", "256", "-f", "s16le", "-ar", SampleRate.ToString(), "-ac", "1", "-i", fifo,
            "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", .. x264.Arguments, "-tune", "zerolatency",
            "-g", (fps * 2).ToString(), "-keyint_min", (fps * 2).ToString(), "-sc_threshold", "0",
            "-c:a", "aac", "-ar", "44100", "-b:a", "64k",
        ];
        args.AddRange(Outputs(protocol, target, recordPath, connectOptions ?? [], preview is not null));

        var info = new ProcessStartInfo(ffmpegPath) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = preview is not null, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var ffmpeg = Process.Start(info) ?? throw new IOException("ffmpeg did not start");
        PipeCapacity.TryGrow(ffmpeg.StandardInput.BaseStream, I420Frame.Length(width, height));
        // Opening a FIFO for writing blocks until ffmpeg opens it for reading: do it off the caller's thread
        // (DisposeAsync releases it if ffmpeg never does).
        var audio = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.Read, 1 << 16));
        return new FfmpegOutput(ffmpeg, fifo, audio, preview);
    }

    private static IEnumerable<string> Outputs(string protocol, string target, string? recordPath, IReadOnlyList<(string, string)> connectOptions, bool preview)
    {
        if (protocol == "hls") Directory.CreateDirectory(target);
        var (format, options, path) = protocol == "hls"
            ? ("hls", new[] { ("hls_time", "2"), ("hls_list_size", "6"), ("hls_flags", "delete_segments+omit_endlist") }, Path.Combine(target, "index.m3u8"))
            : ("flv", connectOptions.ToArray(), target);
        if (recordPath is null && !preview)
            return ["-f", format, .. options.SelectMany(o => new[] { "-" + o.Item1, o.Item2 }), path];

        // The live output failing ends the session; the recording failing (a full disk) or the preview must not.
        var branches = new List<string> { $"[f={format}:onfail=abort{string.Concat(options.Select(o => $":{o.Item1}={TeeOptionEscape(o.Item2)}"))}]{TeeEscape(path)}" };
        if (recordPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(recordPath)!);
            branches.Add($"[f=mp4:movflags=+frag_keyframe+empty_moov+default_base_moof:onfail=ignore]{TeeEscape(recordPath)}");
        }
        // The preview: a fragment every frame (40 ms at 25 fps), so a browser can show it a frame after it is encoded.
        if (preview) branches.Add($"[f=mp4:movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration={PreviewFeed.FragmentMicroseconds}:onfail=ignore]pipe:1");
        return ["-flags", "+global_header", "-f", "tee", string.Join('|', branches)];
    }

    /// <summary>The tee muxer splits on '|' and reads '[' as options: escape them in a path or URL.</summary>
    private static string TeeEscape(string s) => s.Replace("\\", "\\\\").Replace("|", "\\|").Replace("[", "\\[");

    /// <summary>Inside the tee's [options], ':' separates options. The tee unescapes the whole spec once and the
    /// options again, so a value (a URL) needs its separators escaped twice.</summary>
    private static string TeeOptionEscape(string s) => s.Replace("\\", "\\\\\\\\").Replace(":", "\\\\:").Replace("]", "\\\\]");

    /// <summary>One frame and the audio that plays under it (SampleRate / fps samples, s16le mono).</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> frameI420, ReadOnlyMemory<byte> pcm, CancellationToken ct)
    {
        if (_videoPump.IsFaulted || _audioPump.IsFaulted || _ffmpeg.HasExited)
            throw new IOException("ffmpeg stopped: " + Errors);
        await _audioQueue.Writer.WriteAsync(Copy(pcm), ct);
        await _videoQueue.Writer.WriteAsync(Copy(frameI420), ct);
        _preview?.Rendered(DateTimeOffset.UtcNow);
    }

    private static (byte[], int) Copy(ReadOnlyMemory<byte> data)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        return (buffer, data.Length);
    }

    public async ValueTask DisposeAsync()
    {
        _videoQueue.Writer.TryComplete();
        _audioQueue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_videoPump, _audioPump).WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception e) when (e is IOException or TimeoutException or TaskCanceledException or ObjectDisposedException) { /* ffmpeg went first */ }
        try
        {
            if (_audio.IsCompletedSuccessfully) await _audio.Result.DisposeAsync();
            _ffmpeg.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _ffmpeg.WaitForExitAsync(wait.Token);
            await _previewPump.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            if (!_ffmpeg.HasExited) _ffmpeg.Kill(entireProcessTree: true);
        }
        finally
        {
            if (!_audio.IsCompleted) Fifo.Release(_fifo, FileAccess.Write); // ffmpeg died before opening its audio input
            try { await (await _audio.WaitAsync(TimeSpan.FromSeconds(1))).DisposeAsync(); } // closing twice is harmless
            catch (Exception e) when (e is IOException or TimeoutException) { /* a broken pipe, or the open never returned */ }
            _ffmpeg.Dispose();
            File.Delete(_fifo);
        }
    }
}
