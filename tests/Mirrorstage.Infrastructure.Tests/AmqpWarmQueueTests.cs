using Amqp;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Infrastructure.Messaging;

namespace Mirrorstage.Infrastructure.Tests;

/// <summary>The warm-request transport against RabbitMQ's AMQP 1.0 plugin (scripts/rabbitmq.sh), each test on a
/// queue of its own.</summary>
public class AmqpWarmQueueTests
{
    private static QueueOptions NewQueue(int maxAttempts = 3) => new()
    {
        Transport = "amqp",
        Address = Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AMQP") ?? "amqp://guest:guest@127.0.0.1:5672",
        QueueName = "test-warm-" + Guid.NewGuid().ToString("N")[..10],
        MaxAttempts = maxAttempts,
    };

    private static async Task<List<WarmSession>> DrainAsync(AmqpWarmReceiver receiver, Func<WarmSession, WarmOutcome> outcome)
    {
        var seen = new List<WarmSession>();
        while (await receiver.ReceiveOneAsync((m, _) => { lock (seen) seen.Add(m); return Task.FromResult(outcome(m)); }, TimeSpan.FromSeconds(1), default)) { }
        return seen;
    }

    [Fact]
    public async Task Sent_requests_arrive_once_each_with_their_contents()
    {
        var options = NewQueue();
        await using var queue = new AmqpWarmQueue(options);
        var now = DateTimeOffset.UtcNow;
        foreach (var id in new[] { "a", "b", "c" }) await queue.SendAsync(new WarmSession(id, now), default);

        await using var receiver = new AmqpWarmReceiver(options);
        await receiver.ConnectAsync();
        var seen = await DrainAsync(receiver, _ => WarmOutcome.Done);
        Assert.Equal(["a", "b", "c"], seen.Select(m => m.SessionId));
        Assert.All(seen, m => Assert.Equal((now, 1), (m.RequestedAt, m.Attempt)));
    }

    [Fact]
    public async Task Every_send_has_its_own_message_id_and_carries_the_session_id()
    {
        var options = NewQueue();
        await using (var queue = new AmqpWarmQueue(options))
            for (var i = 0; i < 2; i++) await queue.SendAsync(new WarmSession("again", DateTimeOffset.UtcNow), default); // a re-queue

        var first = await ReceiveRawAsync(options.QueueAddress);
        var second = await ReceiveRawAsync(options.QueueAddress);
        Assert.NotEqual(first!.Properties.MessageId, second!.Properties.MessageId);
        Assert.All(new[] { first, second }, m => Assert.Equal("again", m.ApplicationProperties[WarmMessages.SessionIdProperty]));
    }

    [Fact]
    public async Task Competing_workers_take_each_request_exactly_once()
    {
        var options = NewQueue();
        await using var queue = new AmqpWarmQueue(options);
        for (var i = 0; i < 20; i++) await queue.SendAsync(new WarmSession($"s{i}", DateTimeOffset.UtcNow), default);

        await using var one = new AmqpWarmReceiver(options);
        await using var two = new AmqpWarmReceiver(options);
        await one.ConnectAsync();
        await two.ConnectAsync();
        var results = await Task.WhenAll(DrainAsync(one, _ => WarmOutcome.Done), DrainAsync(two, _ => WarmOutcome.Done));
        var all = results.SelectMany(r => r).Select(m => m.SessionId).ToList();
        Assert.Equal(20, all.Count);
        Assert.Equal(20, all.Distinct().Count());
    }

    [Fact]
    public async Task A_failing_request_is_retried_then_dead_lettered_with_its_reason()
    {
        var options = NewQueue(maxAttempts: 3);
        await using var queue = new AmqpWarmQueue(options);
        await queue.SendAsync(new WarmSession("flaky", DateTimeOffset.UtcNow), default);

        await using var receiver = new AmqpWarmReceiver(options);
        await receiver.ConnectAsync();
        var attempts = await DrainAsync(receiver, _ => WarmOutcome.RetryLater);
        Assert.Equal([1, 2, 3], attempts.Select(m => m.Attempt));

        var dead = await ReceiveRawAsync(options.DeadLetterAddress!);
        Assert.NotNull(dead);
        Assert.Equal("flaky", AmqpWarmMessages.FromAmqp(dead)!.SessionId);
        Assert.Equal("max_attempts", dead.ApplicationProperties["DeadLetterReason"]);
    }

    [Fact]
    public async Task An_unreadable_message_goes_straight_to_the_dead_letters()
    {
        var options = NewQueue();
        var connection = await Connection.Factory.CreateAsync(new Address(options.Address));
        try
        {
            var sender = new SenderLink(new Session(connection), "garbage", options.QueueAddress);
            await sender.SendAsync(new Message("this is not json"));
        }
        finally { await connection.CloseAsync(); }

        await using var receiver = new AmqpWarmReceiver(options);
        await receiver.ConnectAsync();
        Assert.Empty(await DrainAsync(receiver, _ => WarmOutcome.Done));
        Assert.Equal("unreadable", (await ReceiveRawAsync(options.DeadLetterAddress!))!.ApplicationProperties["DeadLetterReason"]);
    }

    [Fact]
    public async Task A_worker_that_dies_before_settling_leaves_the_request_for_another()
    {
        var options = NewQueue();
        await using var queue = new AmqpWarmQueue(options);
        await queue.SendAsync(new WarmSession("orphan", DateTimeOffset.UtcNow), default);

        // Take the message and drop the connection without settling it, as a killed worker would.
        var doomed = await Connection.Factory.CreateAsync(new Address(options.Address));
        var link = new ReceiverLink(new Session(doomed), "doomed", options.QueueAddress);
        link.SetCredit(1, autoRestore: false);
        Assert.NotNull(await link.ReceiveAsync(TimeSpan.FromSeconds(5)));
        await doomed.CloseAsync();

        await using var survivor = new AmqpWarmReceiver(options);
        await survivor.ConnectAsync();
        Assert.Equal(["orphan"], (await DrainAsync(survivor, _ => WarmOutcome.Done)).Select(m => m.SessionId));
    }

    private static async Task<Message?> ReceiveRawAsync(string address)
    {
        var connection = await Connection.Factory.CreateAsync(new Address(NewQueue().Address));
        try
        {
            var link = new ReceiverLink(new Session(connection), "inspect", address);
            var message = await link.ReceiveAsync(TimeSpan.FromSeconds(5));
            if (message is not null) link.Accept(message);
            return message;
        }
        finally { await connection.CloseAsync(); }
    }
}
