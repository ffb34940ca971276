using System.Text.Json;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>What the LiveKit publisher reports about its room, as events: joined (or why not), reconnecting,
/// back, gone, and its counts. A reconnection that outlasts the grace period, or a publisher that leaves the
/// room or exits while the session still runs, is a lost connection.</summary>
public sealed class PublisherConnection(double reconnectGraceSeconds, TimeProvider time)
{
    private readonly TaskCompletionSource<string?> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _reconnectingSince; // the time provider's timestamp, 0 = connected
    private volatile string? _failure;

    public JsonElement? Stats { get; private set; }
    public string? Identity { get; private set; }
    public string? PublishOnBehalf { get; private set; }

    /// <summary>Set when the worker itself closes the output: leaving the room is then no failure.</summary>
    public volatile bool Closing;

    public string? Failure
    {
        get
        {
            var since = Interlocked.Read(ref _reconnectingSince);
            if (since != 0 && time.GetElapsedTime(since).TotalSeconds > reconnectGraceSeconds) Lost();
            return _failure;
        }
    }

    /// <summary>Null once joined; otherwise what went wrong (a refusal, the publisher exiting, the timeout).</summary>
    public Task<string?> JoinedAsync(TimeSpan timeout, CancellationToken ct) =>
        _joined.Task.WaitAsync(timeout, ct).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "timed out joining the room", TaskScheduler.Default);

    public void Lost()
    {
        if (!Closing) _failure ??= LiveKitOutput.ConnectionLost;
    }

    public void PublisherExited()
    {
        _joined.TrySetResult("the publisher exited");
        Lost();
    }

    public void On(JsonElement e)
    {
        switch (e.GetProperty("type").GetString())
        {
            case "connected":
                Identity = e.GetProperty("identity").GetString();
                PublishOnBehalf = e.TryGetProperty("publish_on_behalf", out var agent) && agent.ValueKind == JsonValueKind.String ? agent.GetString() : null;
                _joined.TrySetResult(null);
                break;
            case "failed":
                _joined.TrySetResult(e.GetProperty("message").GetString() ?? "failed");
                break;
            case "reconnecting":
                Interlocked.CompareExchange(ref _reconnectingSince, time.GetTimestamp(), 0);
                break;
            case "reconnected":
                Interlocked.Exchange(ref _reconnectingSince, 0);
                break;
            case "disconnected":
                Lost();
                break;
            case "stats":
                Stats = e;
                break;
        }
    }
}
