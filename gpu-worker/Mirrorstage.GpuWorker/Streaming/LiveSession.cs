using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Mirrorstage.GpuWorker.Audio;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>A session this worker is rendering, as its socket sees it: the audio timeline to fill, the
/// messages to send back, and at most one connected client.</summary>
public sealed class LiveSession(string id, string tokenHash, int maxBufferedSamples)
{
    private int _connected;
    private int _utterances;

    public int NextUtteranceNumber() => Interlocked.Increment(ref _utterances);

    public string Id { get; } = id;
    public string TokenHash { get; } = tokenHash;
    public AudioTimeline Timeline { get; } = new(maxBufferedSamples);
    public CancellationTokenSource Ended { get; } = new();

    /// <summary>Messages for the client. Bounded and dropping the oldest: a client that never reads cannot
    /// slow the render loop down.</summary>
    public Channel<OutboundMessage> Outbound { get; } = Channel.CreateBounded<OutboundMessage>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });

    private int _nudged;

    /// <summary>The store has news for this session (an end, an extension): re-read it at the next frame.</summary>
    public void Nudge() => Volatile.Write(ref _nudged, 1);
    public bool TakeNudge() => Interlocked.Exchange(ref _nudged, 0) == 1;

    public bool TryAttach() => Interlocked.CompareExchange(ref _connected, 1, 0) == 0;
    public void Detach() => Volatile.Write(ref _connected, 0);

    public void Send(object message) => Outbound.Writer.TryWrite(new(JsonSerializer.Serialize(message, Json)));

    /// <summary>The last message this socket gets: it is closed with this status right after.</summary>
    public void SendFinal(object message, WebSocketCloseStatus status, string reason) =>
        Outbound.Writer.TryWrite(new(JsonSerializer.Serialize(message, Json), status, reason));

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>A message for the client, and whether the socket closes after it.</summary>
public readonly record struct OutboundMessage(string Text, WebSocketCloseStatus? CloseAfter = null, string? CloseReason = null);

/// <summary>The sessions live on this worker, by id.</summary>
public sealed class LiveSessions
{
    private readonly ConcurrentDictionary<string, LiveSession> _sessions = new();

    public LiveSession? Get(string id) => _sessions.GetValueOrDefault(id);
    public void Add(LiveSession s) => _sessions[s.Id] = s;
    public void Remove(string id) => _sessions.TryRemove(id, out _);
}
