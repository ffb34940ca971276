using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>Competes for warm requests with peek-lock semantics: a message is settled only after the handler
/// answers: accepted when done, handed back (with its attempt count raised) on a transient failure, and
/// dead-lettered with a reason after MaxAttempts or when it cannot be read. Credit is granted one message at
/// a time, only while the worker has a free render slot.</summary>
public sealed class AmqpWarmReceiver(QueueOptions options) : IWarmSource, IAsyncDisposable
{
    private AmqpLinkHost? _host;
    private ReceiverLink? _receiver;
    private SenderLink? _retry;
    private SenderLink? _deadLetters;

    /// <summary>Connects, or reconnects when the broker dropped the connection (a restart).</summary>
    public async Task ConnectAsync(CancellationToken ct = default)
    {
        if (_host is { IsClosed: false } && _receiver is { IsClosed: false }) return;
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
        var host = await AmqpLinkHost.OpenAsync(options);
        _receiver = new ReceiverLink(host.Session, "mirrorstage-warm-receiver-" + Guid.NewGuid().ToString("N")[..8], options.QueueAddress);
        _retry = new SenderLink(host.Session, "mirrorstage-warm-retry-" + Guid.NewGuid().ToString("N")[..8], options.QueueAddress);
        _deadLetters = options.DeadLetterAddress is { } dead
            ? new SenderLink(host.Session, "mirrorstage-warm-dead-" + Guid.NewGuid().ToString("N")[..8], dead)
            : null;
        _host = host;
    }

    /// <summary>Takes at most one message and settles it by the handler's outcome; false when none came in time.</summary>
    public async Task<bool> ReceiveOneAsync(Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, TimeSpan wait, CancellationToken ct)
    {
        await ConnectAsync(ct);
        var receiver = _receiver!;
        receiver.SetCredit(1, autoRestore: false);
        var message = await ReceiveAsync(receiver, wait, ct);
        if (message is null)
        {
            receiver.SetCredit(0, autoRestore: false); // no credit left open between asks: a busy or stopping worker takes nothing
            return false;
        }

        var warm = AmqpWarmMessages.FromAmqp(message);
        if (warm is null)
        {
            await DeadLetterAsync(receiver, message, "unreadable", "The body is not a WarmSession.");
            return true;
        }

        WarmOutcome outcome;
        try
        {
            outcome = await handle(warm, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = WarmOutcome.RetryLater;
        }

        switch (outcome)
        {
            case WarmOutcome.Done:
                receiver.Accept(message);
                break;
            case WarmOutcome.RetryLater when warm.Attempt < options.MaxAttempts:
                // Hand it back with its attempt count: brokers differ in whether they count redeliveries.
                await _retry!.SendAsync(AmqpWarmMessages.ToAmqp(warm with { Attempt = warm.Attempt + 1 }));
                receiver.Accept(message);
                break;
            case WarmOutcome.RetryLater:
                await DeadLetterAsync(receiver, message, "max_attempts", $"Gave up after {warm.Attempt} attempts.");
                break;
            default:
                await DeadLetterAsync(receiver, message, "poison", "The handler refused this request.");
                break;
        }
        return true;
    }

    /// <summary>Waits for one message; when the worker stops mid-wait the link is closed, so a request already on
    /// its way here goes back to the queue for another worker instead of waiting, unsettled, for this
    /// connection to close (a hand-over at shutdown would otherwise sit on the stopping worker).</summary>
    private static async Task<Message?> ReceiveAsync(ReceiverLink receiver, TimeSpan wait, CancellationToken ct)
    {
        var receiving = receiver.ReceiveAsync(wait);
        var stopped = new TaskCompletionSource();
        await using (ct.Register(() => stopped.TrySetResult()))
            if (await Task.WhenAny(receiving, stopped.Task) == receiving) return await receiving;
        try { await receiver.CloseAsync(); }
        catch (AmqpException) { /* the connection went first */ }
        throw new OperationCanceledException(ct);
    }

    private async Task DeadLetterAsync(ReceiverLink receiver, Message message, string reason, string description)
    {
        if (_deadLetters is null)
        {
            receiver.Reject(message, new Error(new Symbol("mirrorstage:" + reason)) { Description = description });
            return;
        }
        var properties = new ApplicationProperties();
        if (message.ApplicationProperties is { } original)
            foreach (var key in original.Map.Keys) properties.Map[key] = original.Map[key];
        properties.Map["DeadLetterReason"] = reason;
        properties.Map["DeadLetterErrorDescription"] = description;
        var copy = new Message { BodySection = message.BodySection, Properties = message.Properties, ApplicationProperties = properties };
        await _deadLetters.SendAsync(copy);
        receiver.Accept(message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
