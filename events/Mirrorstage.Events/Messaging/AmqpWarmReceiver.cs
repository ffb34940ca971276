using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace Mirrorstage.Events.Messaging;

/// <summary>What a handler made of one warm request.</summary>
public enum WarmOutcome { Done, RetryLater, Poison }

/// <summary>Competes for warm requests with peek-lock semantics: a message is settled only after the handler
/// answers: accepted when done, handed back (with its attempt count raised) on a transient failure, and
/// dead-lettered with a reason after MaxAttempts or when it cannot be read. Credit is granted one message at
/// a time, only while the worker has a free render slot.</summary>
public sealed class AmqpWarmReceiver(AmqpOptions options) : IWarmSource, IAsyncDisposable
{
    private Connection? _connection;
    private Session? _session;
    private ReceiverLink? _receiver;
    private SenderLink? _retry;
    private SenderLink? _deadLetters;

    public async Task ConnectAsync()
    {
        _connection = await Connection.Factory.CreateAsync(new Address(options.Address));
        _session = new Session(_connection);
        _receiver = new ReceiverLink(_session, "mirrorstage-warm-receiver-" + Guid.NewGuid().ToString("N")[..8], options.QueueAddress);
        _retry = new SenderLink(_session, "mirrorstage-warm-retry-" + Guid.NewGuid().ToString("N")[..8], options.QueueAddress);
        if (options.DeadLetterAddress is { } dead)
            _deadLetters = new SenderLink(_session, "mirrorstage-warm-dead-" + Guid.NewGuid().ToString("N")[..8], dead);
    }

    /// <summary>Takes at most one message and settles it by the handler's outcome; false when none came in time.</summary>
    public async Task<bool> ReceiveOneAsync(Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, TimeSpan wait, CancellationToken ct)
    {
        var receiver = _receiver ?? throw new InvalidOperationException("ConnectAsync first.");
        receiver.SetCredit(1, autoRestore: false);
        var message = await receiver.ReceiveAsync(wait);
        if (message is null) return false;

        var warm = WarmMessages.FromAmqp(message);
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
                await _retry!.SendAsync(WarmMessages.ToAmqp(warm with { Attempt = warm.Attempt + 1 }));
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

    private async Task DeadLetterAsync(ReceiverLink receiver, Message message, string reason, string description)
    {
        if (_deadLetters is null)
        {
            receiver.Reject(message, new Error(new Symbol("mirrorstage:" + reason)) { Description = description });
            return;
        }
        var copy = new Message(message.Body)
        {
            Properties = message.Properties,
            ApplicationProperties = new ApplicationProperties { Map = { ["DeadLetterReason"] = reason, ["DeadLetterErrorDescription"] = description } },
        };
        await _deadLetters.SendAsync(copy);
        receiver.Accept(message);
    }

    public async ValueTask DisposeAsync()
    {
        try { if (_connection is { IsClosed: false }) await _connection.CloseAsync(); }
        catch (AmqpException) { /* already gone */ }
    }
}
