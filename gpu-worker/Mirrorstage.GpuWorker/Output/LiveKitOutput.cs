using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>Publishes into a LiveKit room through the publisher program (LiveKit's official SDK in Node): each
/// frame and the PCM under it go down its stdin as one message, its events come back through a FIFO. Joining
/// must succeed within the connect timeout; a connection that drops and does not come back within the grace
/// period fails the output with "livekit_connection_lost".</summary>
public sealed class LiveKitOutput : IFrameOutput
{
    public const string ConnectFailed = "livekit_connect_failed";
    public const string ConnectionLost = "livekit_connection_lost";
    public const string PublisherUnavailable = "livekit_publisher_unavailable";

    private readonly Process _node;
    private readonly string _fifo;
    private readonly LiveKitWorkerOptions _options;
    private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(50) { SingleReader = true });
    private readonly StringBuilder _log = new();
    private readonly Task _pump;
    private readonly Task _events;
    private readonly PublisherConnection _room;

    /// <summary>The publisher's latest counts (video_frames, audio_samples, ...), for tests and diagnostics.</summary>
    public JsonElement? Stats => _room.Stats;
    public string? Identity => _room.Identity;
    public string? PublishOnBehalf => _room.PublishOnBehalf;

    /// <summary>Takes the agent's speech and interruptions (the avatar convention), once attached.</summary>
    public AvatarPlayback? Avatar { get; private set; }
    private readonly List<(char Kind, byte[] Payload)> _early = []; // the agent's messages from before Attach

    private LiveKitOutput(Process node, string fifo, LiveKitWorkerOptions options)
    {
        _node = node;
        _fifo = fifo;
        _options = options;
        _room = new PublisherConnection(options.ReconnectGraceSeconds, TimeProvider.System);
        node.OutputDataReceived += (_, e) => Keep(e.Data);
        node.ErrorDataReceived += (_, e) => Keep(e.Data);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        // A publisher that dies before opening the FIFO (a crash at start) never gives our reader its end of file.
        node.EnableRaisingEvents = true;
        node.Exited += (_, _) => Fifo.Release(fifo, FileAccess.Read);
        _pump = PumpAsync();
        _events = Task.Run(ReadEventsAsync);
    }

    /// <summary>Starts the publisher and waits until it has joined the room and published its tracks.</summary>
    /// <returns>The output, or null with the failure reason when the publisher could not run or the room could not be joined.</returns>
    public static async Task<(LiveKitOutput? Output, string? Failure, string Detail)> StartAsync(
        LiveKitTarget target, LiveKitWorkerOptions options, int width, int height, int fps, CancellationToken ct)
    {
        LiveKitOutput output;
        try
        {
            output = await LaunchAsync(target, options, width, height, fps, ct);
        }
        catch (PublisherMissing e)
        {
            return (null, PublisherUnavailable, e.Message);
        }
        var problem = await output.JoinedAsync(ct);
        if (problem is null) return (output, null, "");
        await output.DisposeAsync(); // the publisher's last words are read once it has exited
        return (null, ConnectFailed, (problem + " " + output.Errors).Trim());
    }

    /// <summary>Starts the publisher and gives it the room; it takes frames at once, joining in the background.</summary>
    /// <exception cref="PublisherMissing">node or the publisher program is missing.</exception>
    public static async Task<LiveKitOutput> LaunchAsync(LiveKitTarget target, LiveKitWorkerOptions options, int width, int height, int fps, CancellationToken ct)
    {
        var script = options.ResolvePublisherScript();
        var fifo = Fifo.Create("mirrorstage-livekit", "events");
        var info = new ProcessStartInfo(options.NodePath) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(fifo);
        Process node;
        try
        {
            node = Process.Start(info) ?? throw new IOException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            File.Delete(fifo);
            throw new PublisherMissing($"{options.NodePath} could not be started: {e.Message}", e);
        }
        var output = new LiveKitOutput(node, fifo, options);
        var config = JsonSerializer.SerializeToUtf8Bytes(new { url = target.Url, token = target.Token, width, height, fps, sample_rate = FfmpegOutput.SampleRate });
        await output.SendAsync('C', config);
        return output;
    }

    /// <summary>Null once the room is joined and the tracks are published; else what went wrong (refused, timed out).</summary>
    public Task<string?> JoinedAsync(CancellationToken ct) => _room.JoinedAsync(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds), ct);

    public string Errors { get { lock (_log) return _log.ToString(); } }
    public string? FailureReason => _room.Failure;

    public async Task WriteAsync(ReadOnlyMemory<byte> frameI420, ReadOnlyMemory<byte> pcm, CancellationToken ct)
    {
        if (_room.Failure is { } failure || _pump.IsCompleted) throw new IOException("LiveKit output stopped: " + (_room.Failure ?? "publisher exited"));
        var message = new byte[frameI420.Length + pcm.Length];
        frameI420.CopyTo(message);
        pcm.CopyTo(message.AsMemory(frameI420.Length));
        await _frames.Writer.WriteAsync(message, ct);
    }

    /// <summary>Hands the agent's speech to the session, starting with what came before: the publisher listens
    /// to the agent as soon as it has joined, while the session's timeline exists only once the face is loaded.</summary>
    public void Attach(AvatarPlayback avatar)
    {
        lock (_early)
        {
            foreach (var (kind, payload) in _early) avatar.OnPublisherMessage(kind, payload);
            _early.Clear();
            Avatar = avatar;
        }
    }

    private void FromAgent(char kind, byte[] payload)
    {
        lock (_early)
        {
            if (Avatar is null) _early.Add((kind, payload));
            else Avatar.OnPublisherMessage(kind, payload);
        }
    }

    /// <summary>Tells the agent an utterance finished playing (the avatar convention's lk.playback_finished).</summary>
    public Task PlaybackFinishedAsync(string payload) => SendAsync('P', Encoding.UTF8.GetBytes(payload));

    private readonly SemaphoreSlim _stdin = new(1, 1);
    private async Task SendAsync(char kind, ReadOnlyMemory<byte> payload)
    {
        await _stdin.WaitAsync();
        try { await PublisherWire.WriteAsync(_node.StandardInput.BaseStream, kind, payload); await _node.StandardInput.BaseStream.FlushAsync(); }
        catch (IOException) { _room.Lost(); }
        finally { _stdin.Release(); }
    }

    private async Task PumpAsync()
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync())
        {
            await SendAsync('F', frame);
            if (_node.HasExited) return;
        }
    }

    private async Task ReadEventsAsync()
    {
        try
        {
            await using var events = new FileStream(_fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            while (await PublisherWire.ReadAsync(events) is { } message)
            {
                if (message.Kind == 'J') _room.On(JsonDocument.Parse(message.Payload).RootElement.Clone());
                else FromAgent(message.Kind, message.Payload);
            }
        }
        catch (Exception e) when (e is IOException or JsonException) { Keep("events: " + e.Message); }
        _room.PublisherExited();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log) if (_log.Length < 8192) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        _room.Closing = true;
        _frames.Writer.TryComplete();
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(3));
            _node.StandardInput.Close(); // EOF: the publisher reports its final counts, leaves the room and exits
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _node.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            if (!_node.HasExited) _node.Kill(entireProcessTree: true);
        }
        finally
        {
            // A publisher that died before opening the FIFO leaves our reader waiting for a writer: release it.
            if (!_events.IsCompleted) Fifo.Release(_fifo, FileAccess.Read);
            try { await _events.WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (TimeoutException) { Keep("events: the reader did not end"); }
            _node.Dispose();
            File.Delete(_fifo);
        }
    }
}
