using Amqp;
using Amqp.Sasl;
using Azure.Core;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Infrastructure.Messaging;
using Mirrorstage.Infrastructure.Tests.Support;

namespace Mirrorstage.Infrastructure.Tests;

/// <summary>Entra authentication for Service Bus: SASL ANONYMOUS, then CBS put-token before any entity link,
/// renewed before expiry. Run against <see cref="CbsBroker"/>, an AMQP 1.0 listener enforcing the documented
/// contract (no Service Bus, and no emulator, exists here).</summary>
public class CbsAuthorizationTests
{
    private static AmqpOptions Options(CbsBroker broker) => new()
    {
        Transport = "amqp",
        Address = broker.Address,
        Authentication = "entra",
        QueueName = "warm-" + Guid.NewGuid().ToString("N")[..8],
        AddressTemplate = "{0}",          // Service Bus: the queue name is the address
        DeadLetterAddressTemplate = "",   // Service Bus: rejected messages go to the queue's own dead-letter queue
    };

    [Fact]
    public async Task Tokens_are_put_for_the_queue_before_its_links_and_requests_flow()
    {
        using var broker = new CbsBroker();
        var credential = new TestCredential(TimeSpan.FromHours(1));
        var options = Options(broker);
        await using (var queue = new AmqpWarmQueue(options, credential))
            foreach (var id in new[] { "a", "b" }) await queue.SendAsync(new WarmSession(id, DateTimeOffset.UtcNow), default);

        await using var receiver = new AmqpWarmReceiver(options, credential);
        var seen = new List<string>();
        while (await receiver.ReceiveOneAsync((m, _) => { seen.Add(m.SessionId); return Task.FromResult(WarmOutcome.Done); }, TimeSpan.FromSeconds(1), default)) { }

        Assert.Equal(["a", "b"], seen);
        Assert.Equal(0, broker.RefusedAttaches);
        Assert.All(credential.Scopes, s => Assert.Equal("https://servicebus.azure.net/.default", s));
        var puts = broker.Puts.ToList();
        Assert.Equal(2, puts.Count); // one per connection: sender, receiver
        Assert.All(puts, p =>
        {
            Assert.Equal(($"sb://127.0.0.1/{options.QueueName}", "jwt"), (p.Audience, p.Type));
            Assert.StartsWith("eyJ", p.Token);
            Assert.NotNull(p.Expiration);
        });
    }

    [Fact]
    public async Task Tokens_are_put_again_before_they_expire_and_the_links_keep_working()
    {
        using var broker = new CbsBroker();
        var options = Options(broker);
        var credential = new TestCredential(TimeSpan.FromSeconds(4));
        await using var receiver = new AmqpWarmReceiver(options, credential);
        await receiver.ConnectAsync();
        await Task.Delay(TimeSpan.FromSeconds(8)); // renewals at 80 % of a token's life: about 3.2 s and 6.4 s

        var puts = broker.Puts.ToList();
        Assert.True(puts.Count >= 3, $"{puts.Count} put-token requests in 8 s with 4 s tokens");
        for (var i = 1; i < puts.Count; i++)
            Assert.True(puts[i].At < puts[i - 1].Expiration!.Value, $"put {i} came after the previous token expired");

        await using (var queue = new AmqpWarmQueue(options, credential))
            await queue.SendAsync(new WarmSession("late", DateTimeOffset.UtcNow), default);
        var got = "";
        Assert.True(await receiver.ReceiveOneAsync((m, _) => { got = m.SessionId; return Task.FromResult(WarmOutcome.Done); }, TimeSpan.FromSeconds(3), default));
        Assert.Equal("late", got);
        Assert.Equal(0, broker.RefusedAttaches);
    }

    [Fact]
    public async Task A_refused_token_is_a_clear_error_and_no_link_is_attempted()
    {
        using var broker = new CbsBroker(acceptToken: _ => false);
        await using var queue = new AmqpWarmQueue(Options(broker), new TestCredential(TimeSpan.FromHours(1)));
        var error = await Assert.ThrowsAsync<AmqpException>(() => queue.SendAsync(new WarmSession("x", DateTimeOffset.UtcNow), default));
        Assert.Equal(ErrorCode.UnauthorizedAccess, error.Error.Condition.ToString());
        Assert.Contains("refused with 401", error.Message);
        Assert.Equal(0, broker.RefusedAttaches);
    }

    [Fact]
    public async Task After_renewals_fail_past_expiry_the_receiver_reconnects_with_a_fresh_token()
    {
        using var broker = new CbsBroker();
        var options = Options(broker);
        // The first token is good for 1.5 s; the next three requests fail; after that tokens come again.
        var credential = new TestCredential(TimeSpan.FromSeconds(1.5), failCalls: [2, 3, 4], name: "receiver");
        await using var receiver = new AmqpWarmReceiver(options, credential);
        await receiver.ConnectAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the token lapses: the broker drops the link, the authorizer the connection

        await using (var queue = new AmqpWarmQueue(options, new TestCredential(TimeSpan.FromHours(1))))
            await queue.SendAsync(new WarmSession("after", DateTimeOffset.UtcNow), default);
        string? got = null;
        for (var i = 0; i < 5 && got is null; i++)
        {
            try
            {
                await receiver.ReceiveOneAsync((m, _) => { got = m.SessionId; return Task.FromResult(WarmOutcome.Done); }, TimeSpan.FromSeconds(2), default);
            }
            catch (Exception e) when (e is AmqpException or ObjectDisposedException or Azure.Identity.CredentialUnavailableException)
            {
                // the consumer loop's retry: the next call reconnects
            }
        }
        Assert.Equal("after", got);
        Assert.True(credential.Calls >= 5, $"{credential.Calls} token requests: the receiver should have asked again after the failures");
        // The receiver's tokens that reached $cbs: the first, then the reconnect's (calls 2-4 failed).
        Assert.Equal([".receiver-1.", ".receiver-5."], broker.Puts.Where(p => p.Token.Contains(".receiver-")).Select(p => p.Token[p.Token.IndexOf('.')..(p.Token.LastIndexOf('.') + 1)]));
    }

    [Fact]
    public async Task The_test_broker_refuses_links_without_a_token()
    {
        using var broker = new CbsBroker();
        var factory = new ConnectionFactory();
        factory.SASL.Profile = SaslProfile.Anonymous;
        var connection = await factory.CreateAsync(new Address(broker.Address));
        var sender = new SenderLink(new Session(connection), "no-token", "warm");
        var error = await Assert.ThrowsAsync<AmqpException>(() => sender.SendAsync(new Message("x")));
        Assert.Equal(ErrorCode.UnauthorizedAccess, error.Error.Condition.ToString());
        Assert.Equal(1, broker.RefusedAttaches);
        await connection.CloseAsync();
    }

    /// <summary>Stands in for an Entra credential: JWT-shaped tokens with a chosen lifetime; chosen calls fail.</summary>
    private sealed class TestCredential(TimeSpan lifetime, int[]? failCalls = null, string name = "test") : TokenCredential
    {
        private int _calls;
        public List<string> Scopes { get; } = [];
        public int Calls => Volatile.Read(ref _calls);

        public override AccessToken GetToken(TokenRequestContext request, CancellationToken ct) => Issue(request);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext request, CancellationToken ct) => new(Issue(request));

        private AccessToken Issue(TokenRequestContext request)
        {
            var n = Interlocked.Increment(ref _calls);
            lock (Scopes) Scopes.AddRange(request.Scopes);
            if (failCalls?.Contains(n) == true) throw new Azure.Identity.CredentialUnavailableException($"token call {n} fails");
            return new AccessToken($"eyJ0eXAiOiJKV1QifQ.{name}-{n}.sig", DateTimeOffset.UtcNow + lifetime);
        }
    }
}
