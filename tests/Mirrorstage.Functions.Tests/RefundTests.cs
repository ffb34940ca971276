using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class RefundTests(PaidGateway gateway)
{
    [Fact]
    public async Task A_paid_session_that_fails_before_going_live_is_refunded_as_credit()
    {
        const string payer = "0x00000000000000000000000000000000000000E5";
        var client = gateway.CreateClient();
        var accepted = DecodeRequired(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, payer))));
        var id = created["session_id"]!.GetValue<string>();

        Assert.Equal(1_000_000, await SessionFailures.FailAsync(gateway.Store, id, "no_worker_available", DateTimeOffset.UtcNow, default));
        Assert.Equal(0, await SessionFailures.FailAsync(gateway.Store, id, "again", DateTimeOffset.UtcNow, default));

        await using var query = gateway.Store.QuerySession();
        Assert.Equal(1_000_000, (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(payer)))!.BalanceAtomic);
        var status = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", created["token"]!.GetValue<string>())));
        Assert.Equal(("failed", "no_worker_available"), (status["status"]!.GetValue<string>(), status["failure_reason"]!.GetValue<string>()));
    }
    [Fact]
    public async Task Refunds_racing_into_one_wallet_all_land_and_its_balance_is_their_sum()
    {
        // A worker lost with several of one agent's sessions on it: their refunds reach one wallet at once.
        const string payer = "0x00000000000000000000000000000000000000E6";
        const int sessions = 8;
        var client = gateway.CreateClient();
        var accepted = DecodeRequired(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        var ids = new List<string>();
        for (var i = 0; i < sessions; i++)
        {
            var paid = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, payer))));
            ids.Add(paid["session_id"]!.GetValue<string>());
        }

        var refunds = await Task.WhenAll(ids.Select(id => SessionFailures.FailAsync(gateway.Store, id, "no_worker_available", DateTimeOffset.UtcNow, default)));

        Assert.All(refunds, r => Assert.Equal(1_000_000, r));
        await using var query = gateway.Store.QuerySession();
        var grants = (await query.Events.FetchStreamAsync(WalletAddress.StreamKey(payer))).Select(e => e.Data).OfType<CreditGranted>().ToList();
        Assert.Equal(sessions, grants.Count);
        var balance = (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(payer)))!;
        Assert.Equal(sessions * 1_000_000L, balance.BalanceAtomic);
        Assert.Equal(sessions * 1_000_000L, balance.GrantedAtomic);
    }
}
