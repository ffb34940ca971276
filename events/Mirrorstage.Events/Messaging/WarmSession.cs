namespace Mirrorstage.Events.Messaging;

/// <summary>Queue message: a session needs a worker to warm it. The event store stays the source of truth;
/// the message only distributes work. Each send has a message id of its own, so a re-queue of the same session
/// is never taken for a duplicate; a session claimed twice is refused by its claim.</summary>
public sealed record WarmSession(string SessionId, DateTimeOffset RequestedAt, int Attempt = 1)
{
    /// <summary>The W3C trace context of whoever queued the request, so the worker's spans join the same trace.</summary>
    public string? TraceParent { get; init; } = System.Diagnostics.Activity.Current?.Id;
}

/// <summary>Sends warm requests to whatever queue the deployment uses.</summary>
public interface IWarmQueue
{
    Task SendAsync(WarmSession message, CancellationToken ct);
}

/// <summary>What a handler made of one warm request.</summary>
public enum WarmOutcome { Done, RetryLater, Poison }

/// <summary>Where a worker takes warm requests from, one at a time.</summary>
public interface IWarmSource
{
    Task<bool> ReceiveOneAsync(Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, TimeSpan wait, CancellationToken ct);
}
