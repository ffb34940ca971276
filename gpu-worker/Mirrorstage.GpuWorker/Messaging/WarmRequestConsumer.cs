using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;
using Mirrorstage.GpuWorker.Sessions;
using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.GpuWorker.Messaging;

/// <summary>Takes a warm request only while a render slot is free, claims the session (the message is settled
/// once the claim is decided), and runs it in that slot until it ends.</summary>
public sealed class WarmRequestConsumer(
    IWarmSource source, SessionStore sessions, SessionRuntime runtime, IOptions<WorkerOptions> options,
    IHostApplicationLifetime lifetime, ILogger<WarmRequestConsumer> log)
    : BackgroundService
{
    private readonly SemaphoreSlim _slots = new(options.Value.RenderSlots, options.Value.RenderSlots);

    private int _active;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _running = new();
    private CancellationTokenSource? _sessionsStop;

    /// <summary>Sessions this worker is rendering now.</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    /// <summary>Slots free to take a session (none once the worker starts stopping): what the lease tells the
    /// gateway and the free-slots gauge tells dashboards. Not the semaphore's count, which is one lower while
    /// the loop holds a slot waiting on the queue.</summary>
    public int FreeSlots => lifetime.ApplicationStopping.IsCancellationRequested ? 0 : Math.Max(0, options.Value.RenderSlots - ActiveSessions);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Sessions stop as soon as the application starts stopping, before the web server does: each hands its
        // session over and closes its socket (1012) while the server still lets it. A stopping worker takes no
        // new sessions, not even the ones it has just handed over.
        _sessionsStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        using var gauge = RenderSlotGauge.Observe(options.Value.WorkerId, () => (ActiveSessions, FreeSlots));
        var stopping = _sessionsStop.Token;
        // The broker may not be up yet, or may restart: the receiver connects, and reconnects, on each receive,
        // and a failure is retried with back-off rather than stopping the worker.
        var backoff = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try { await _slots.WaitAsync(stopping); }
            catch (OperationCanceledException) { return; }
            var started = false;
            try
            {
                await source.ReceiveOneAsync(async (warm, ct) =>
                {
                    if (stopping.IsCancellationRequested) return WarmOutcome.RetryLater; // back to the queue, for another worker
                    using var span = MirrorstageTelemetry.StartSessionActivity("warm_session.claim", warm.SessionId, warm.TraceParent, System.Diagnostics.ActivityKind.Consumer);
                    var claimed = await sessions.ClaimAsync(warm.SessionId, options.Value.WorkerId, ct);
                    if (claimed.Length == 0) return WarmOutcome.Done; // another worker has it, or it is no longer warming
                    started = true;
                    _running[warm.SessionId] = Task.Run(() => RunInSlotAsync(warm.SessionId, stopping), CancellationToken.None);
                    return WarmOutcome.Done;
                }, TimeSpan.FromSeconds(2), stopping);
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // stopping: the loop ends
            }
            catch (Exception e)
            {
                log.LogError(e, "Receiving warm requests failed; retrying in {Seconds} s", backoff.TotalSeconds);
                try { await Task.Delay(backoff, stopping); } catch (OperationCanceledException) { }
                backoff = TimeSpan.FromSeconds(Math.Min(15, backoff.TotalSeconds * 2));
            }
            finally
            {
                if (!started) _slots.Release();
            }
        }
    }

    private async Task RunInSlotAsync(string sessionId, CancellationToken ct)
    {
        Interlocked.Increment(ref _active);
        try
        {
            await runtime.RunAsync(sessionId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Session {SessionId} crashed", sessionId);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            _running.TryRemove(sessionId, out _);
            _slots.Release();
        }
    }

    /// <summary>Waits for the sessions' hand-over (SessionRuntime) before the host disposes the store they write to.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            log.LogWarning("{Count} sessions were still handing over when the worker stopped", _running.Count);
        }
    }

    public override void Dispose()
    {
        _sessionsStop?.Dispose();
        base.Dispose();
    }
}
