using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;
using Mirrorstage.GpuWorker.Sessions;

namespace Mirrorstage.GpuWorker.Messaging;

/// <summary>Takes a warm request only while a render slot is free, claims the session (the message is settled
/// once the claim is decided), and runs it in that slot until it ends.</summary>
public sealed class WarmRequestConsumer(
    IWarmSource source, SessionStore sessions, SessionRuntime runtime, IOptions<WorkerOptions> options, ILogger<WarmRequestConsumer> log)
    : BackgroundService
{
    private readonly SemaphoreSlim _slots = new(options.Value.RenderSlots, options.Value.RenderSlots);

    private int _active;

    /// <summary>Sessions this worker is rendering now.</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is AmqpWarmReceiver amqp) await amqp.ConnectAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            await _slots.WaitAsync(stoppingToken);
            var started = false;
            try
            {
                await source.ReceiveOneAsync(async (warm, ct) =>
                {
                    var claimed = await sessions.ClaimAsync(warm.SessionId, options.Value.WorkerId, ct);
                    if (claimed.Length == 0) return WarmOutcome.Done; // another worker has it, or it is no longer warming
                    started = true;
                    _ = Task.Run(() => RunInSlotAsync(warm.SessionId, stoppingToken), CancellationToken.None);
                    return WarmOutcome.Done;
                }, TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Receiving warm requests failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
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
            _slots.Release();
        }
    }
}
