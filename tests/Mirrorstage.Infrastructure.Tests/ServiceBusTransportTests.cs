using Azure.Messaging.ServiceBus;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Infrastructure.Messaging;
using Mirrorstage.Infrastructure.Tests.Support;

namespace Mirrorstage.Infrastructure.Tests;

/// <summary>The Service Bus transport through the real SDK, against <see cref="ServiceBusBroker"/>: a local AMQP
/// 1.0 peer that enforces Service Bus's contract (no Service Bus or emulator exists here).</summary>
public sealed class ServiceBusTransportTests : IAsyncLifetime
{
    private readonly ServiceBusBroker _broker = new() { LockDuration = TimeSpan.FromSeconds(2) };
    private ServiceBusClient _client = null!;

    public Task InitializeAsync()
    {
        _client = new ServiceBusClient(_broker.ConnectionString);
        return Task.CompletedTask;
    }

    private QueueOptions NewQueue(bool duplicateDetection = false, int maxAttempts = 5)
    {
        var o = new QueueOptions { Transport = "servicebus", ServiceBusConnectionString = _broker.ConnectionString, QueueName = "warm-" + Guid.NewGuid().ToString("N")[..8], MaxAttempts = maxAttempts };
        _broker.CreateQueue(o.QueueName, duplicateDetection);
        return o;
    }

    private async Task<List<WarmSession>> DrainAsync(QueueOptions o, Func<WarmSession, Task<WarmOutcome>> outcome)
    {
        await using var receiver = new ServiceBusWarmReceiver(_client, o);
        var seen = new List<WarmSession>();
        while (await receiver.ReceiveOneAsync((m, _) => { seen.Add(m); return outcome(m); }, TimeSpan.FromSeconds(1), default)) { }
        return seen;
    }

    [Fact]
    public async Task Requests_arrive_once_each_under_a_signed_token_and_are_completed()
    {
        var o = NewQueue();
        await using (var queue = new ServiceBusWarmQueue(_client, o))
            foreach (var id in new[] { "a", "b", "c" }) await queue.SendAsync(new WarmSession(id, DateTimeOffset.UtcNow), default);

        var seen = await DrainAsync(o, _ => Task.FromResult(WarmOutcome.Done));
        Assert.Equal(["a", "b", "c"], seen.Select(m => m.SessionId));
        Assert.Equal(3, _broker.Queue(o.QueueName).Completed.Count);
        Assert.Equal(0, _broker.Queue(o.QueueName).Count);
        Assert.NotEmpty(_broker.TokenTypes);
        Assert.All(_broker.TokenTypes, t => Assert.Equal("servicebus.windows.net:sastoken", t));
    }

    [Fact]
    public async Task A_wrong_key_is_refused()
    {
        var o = NewQueue();
        var forged = _broker.ConnectionString.Replace(_broker.Key, Convert.ToBase64String(new byte[16]));
        await using var client = new ServiceBusClient(forged, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(10) } });
        await using var queue = new ServiceBusWarmQueue(client, o);
        await Assert.ThrowsAnyAsync<Exception>(() => queue.SendAsync(new WarmSession("x", DateTimeOffset.UtcNow), default));
        Assert.Equal(0, _broker.Queue(o.QueueName).Count);
    }

    [Fact]
    public async Task A_re_queued_request_is_delivered_with_duplicate_detection_on()
    {
        var o = NewQueue(duplicateDetection: true);
        await using (var queue = new ServiceBusWarmQueue(_client, o))
        {
            await queue.SendAsync(new WarmSession("s1", DateTimeOffset.UtcNow), default);
            await queue.SendAsync(new WarmSession("s1", DateTimeOffset.UtcNow), default); // failover re-queue of the same session
        }
        var seen = await DrainAsync(o, _ => Task.FromResult(WarmOutcome.Done));
        Assert.Equal(["s1", "s1"], seen.Select(m => m.SessionId));
        Assert.Equal(0, _broker.Queue(o.QueueName).DuplicatesDropped);
        Assert.All(_broker.Queue(o.QueueName).Completed, m => Assert.Equal("s1", m.Properties[WarmMessages.SessionIdProperty]));
    }

    [Fact]
    public async Task A_transient_failure_is_abandoned_with_its_attempt_then_dead_lettered_after_MaxAttempts()
    {
        var o = NewQueue(maxAttempts: 3);
        await using (var queue = new ServiceBusWarmQueue(_client, o))
            await queue.SendAsync(new WarmSession("flaky", DateTimeOffset.UtcNow), default);

        var attempts = await DrainAsync(o, _ => Task.FromResult(WarmOutcome.RetryLater));
        Assert.Equal([1, 2, 3], attempts.Select(m => m.Attempt));
        var q = _broker.Queue(o.QueueName);
        Assert.Equal(2, q.Abandoned);
        var dead = await ReadDeadLetterAsync(o);
        Assert.Equal("max_attempts", dead.DeadLetterReason);
        Assert.Equal(2, dead.ApplicationProperties["attempt"]); // the last abandon's mark
        Assert.Equal("flaky", dead.ApplicationProperties[WarmMessages.SessionIdProperty]);
    }

    [Fact]
    public async Task Unreadable_and_refused_requests_are_dead_lettered_with_their_reasons()
    {
        var o = NewQueue();
        await using (var raw = _client.CreateSender(o.QueueName))
            await raw.SendMessageAsync(new ServiceBusMessage("this is not json"));
        Assert.Empty(await DrainAsync(o, _ => Task.FromResult(WarmOutcome.Done)));
        Assert.Equal("unreadable", (await ReadDeadLetterAsync(o)).DeadLetterReason);

        await using (var queue = new ServiceBusWarmQueue(_client, o))
            await queue.SendAsync(new WarmSession("bad", DateTimeOffset.UtcNow), default);
        Assert.Single(await DrainAsync(o, _ => Task.FromResult(WarmOutcome.Poison)));
        Assert.Equal("poison", (await ReadDeadLetterAsync(o)).DeadLetterReason);
    }

    [Fact]
    public async Task The_lock_is_renewed_while_a_claim_is_in_progress()
    {
        var o = NewQueue();
        await using (var queue = new ServiceBusWarmQueue(_client, o))
            await queue.SendAsync(new WarmSession("slow", DateTimeOffset.UtcNow), default);

        // The claim takes three lock durations (2 s each); without renewal the lock lapses and completing fails.
        var seen = await DrainAsync(o, async _ => { await Task.Delay(TimeSpan.FromSeconds(6)); return WarmOutcome.Done; });
        var q = _broker.Queue(o.QueueName);
        Assert.Equal(["slow"], seen.Select(m => m.SessionId));
        Assert.Single(q.Completed);
        Assert.Equal(0, q.LocksLapsed);
        Assert.True(_broker.LockRenewals >= 3, $"{_broker.LockRenewals} renewals");
    }

    private async Task<ServiceBusReceivedMessage> ReadDeadLetterAsync(QueueOptions o)
    {
        await using var receiver = _client.CreateReceiver(o.QueueName, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5)) ?? throw new Xunit.Sdk.XunitException("nothing dead-lettered");
        await receiver.CompleteMessageAsync(message);
        return message;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        _broker.Dispose();
    }
}
