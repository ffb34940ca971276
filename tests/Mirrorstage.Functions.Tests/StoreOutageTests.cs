using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Payments;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>Stops the tests' PostgreSQL, so it runs alone, after every other collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StoreOutageCollection : ICollectionFixture<PaidGateway>
{
    public const string Name = "store outage";
}

/// <summary>The store goes down between settlement and record: the journal keeps the settlement.</summary>
[Collection(StoreOutageCollection.Name)]
public class StoreOutageTests(PaidGateway gateway)
{
    private const string Payer = "0x00000000000000000000000000000000000000C2";
    private readonly HttpClient _client = gateway.CreateClient();

    private Task<HttpResponseMessage> SendAsync(string payment, string key) =>
        _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment, key));

    private async Task<List<PaymentSettled>> SettledAsync(string sessionId) => (await gateway.EventsOfAsync(sessionId)).OfType<PaymentSettled>().ToList();

    [Fact]
    public async Task PostgreSQL_stopped_between_settle_and_record_leaves_the_session_after_restart()
    {
        var accepted = DecodeRequired(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        var payment = Payment(accepted, Payer);
        var key = Guid.NewGuid().ToString();
        gateway.Facilitator.Reset();
        gateway.Facilitator.AfterSettle = () => { LocalPostgres.Stop(); return Task.CompletedTask; };
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(payment, key);
        }
        finally
        {
            gateway.Facilitator.AfterSettle = null;
        }
        try
        {
            await AssertErrorAsync(response, 503, "settled_not_yet_recorded");
            Assert.Single(Directory.EnumerateFiles(gateway.JournalFolder, "*.json"));
        }
        finally
        {
            LocalPostgres.Start();
        }

        Assert.Equal(1, await gateway.Hosted<PaymentJournalReplayer>().ReplayAsync(TimeSpan.Zero));
        Assert.Empty(Directory.EnumerateFiles(gateway.JournalFolder, "*.json"));
        var served = await SendAsync(payment, key);
        Assert.Equal(201, (int)served.StatusCode);
        var id = (await JsonAsync(served))["session_id"]!.GetValue<string>();
        Assert.Equal(1_000_000, Assert.Single(await SettledAsync(id)).AmountAtomic);
        Assert.Equal(1, gateway.Facilitator.Settles);
        await using var query = gateway.Store.QuerySession();
        Assert.Equal(1_000_000, (await query.Query<Events.Billing.BillingLedger>().Where(l => l.SessionId == id).ToListAsync()).Sum(l => l.AmountAtomic));
    }

}
