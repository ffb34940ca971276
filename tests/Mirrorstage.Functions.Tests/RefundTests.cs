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
}
