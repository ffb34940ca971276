using Azure.Messaging.ServiceBus;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>Takes warm requests from a Service Bus queue in peek-lock mode, one at a time and only when asked
/// (no prefetch: a worker asks only while it has a free render slot). The lock is renewed while the claim is
/// decided; the message is completed once it is, abandoned (with the attempt it was) on a transient failure,
/// and dead-lettered with a reason after MaxAttempts, when the handler refuses it, or when it cannot be read.</summary>
public sealed class ServiceBusWarmReceiver(ServiceBusClient client, QueueOptions options, TimeProvider? clock = null) : IWarmSource, IAsyncDisposable
{
    private readonly ServiceBusReceiver _receiver = client.CreateReceiver(options.QueueName,
        new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 });
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<bool> ReceiveOneAsync(Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, TimeSpan wait, CancellationToken ct)
    {
        var message = await _receiver.ReceiveMessageAsync(wait, ct);
        if (message is null) return false;
        if (WarmMessages.Parse(message.Body.ToMemory().Span) is not { } warm)
        {
            await _receiver.DeadLetterMessageAsync(message, "unreadable", "The body is not a WarmSession.", ct);
            return true;
        }
        // The broker counts deliveries (abandons and lapsed locks); the body counts re-sends.
        var attempt = warm.Attempt + message.DeliveryCount - 1;
        var outcome = await HandleWhileLockedAsync(message, warm with { Attempt = attempt }, handle, ct);
        switch (outcome)
        {
            case WarmOutcome.Done:
                await _receiver.CompleteMessageAsync(message, ct);
                break;
            case WarmOutcome.RetryLater when attempt < options.MaxAttempts:
                await _receiver.AbandonMessageAsync(message, new Dictionary<string, object> { ["attempt"] = attempt }, ct);
                break;
            case WarmOutcome.RetryLater:
                await _receiver.DeadLetterMessageAsync(message, "max_attempts", $"Gave up after {attempt} attempts.", ct);
                break;
            default:
                await _receiver.DeadLetterMessageAsync(message, "poison", "The handler refused this request.", ct);
                break;
        }
        return true;
    }

    private async Task<WarmOutcome> HandleWhileLockedAsync(ServiceBusReceivedMessage message, WarmSession warm,
        Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, CancellationToken ct)
    {
        using var handled = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = RenewLockAsync(message, handled.Token);
        try
        {
            return await handle(warm, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return WarmOutcome.RetryLater;
        }
        finally
        {
            await handled.CancelAsync();
            await renewal;
        }
    }

    /// <summary>Renews at a third of the lock's remaining time until the handler is done: the first renewal also
    /// opens the management link, which takes a while on a busy machine. A renewal that fails for a reason other
    /// than a lost lock is tried again while the lock holds.</summary>
    private async Task RenewLockAsync(ServiceBusReceivedMessage message, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var left = message.LockedUntil - _clock.GetUtcNow();
                await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 200, left.Ticks / 3)), _clock, ct);
                try { await _receiver.RenewMessageLockAsync(message, ct); }
                catch (ServiceBusException e) when (e.Reason != ServiceBusFailureReason.MessageLockLost && message.LockedUntil > _clock.GetUtcNow()) { }
            }
        }
        catch (OperationCanceledException) { }
        catch (ServiceBusException) { /* lock lost: the broker redelivers it, and settling says so */ }
    }

    public ValueTask DisposeAsync() => _receiver.DisposeAsync();
}
