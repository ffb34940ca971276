using System.Net.Http.Json;
using System.Text;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Payments;
using Mirrorstage.Functions.Tests.Support;
using Nethereum.Signer;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>A paid extension is served when it lands before the session ends, refunded as credit when the session
/// ended first, and can be paid with credits.</summary>
[Collection(GatewayCollection.Name)]
public class PaymentExtensionTests(PaidGateway gateway)
{
    private readonly HttpClient _client = gateway.CreateClient();

    private async Task<(string Id, string Token)> CreatePaidAsync(string payer)
    {
        var accepted = DecodeRequired(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        var created = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, payer), Guid.NewGuid().ToString())));
        return (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
    }

    private HttpRequestMessage Extend(string id, string token) =>
        WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 10 }));

    [Fact]
    public async Task An_extension_settled_after_the_session_ended_is_refunded_as_credit()
    {
        const string payer = "0x00000000000000000000000000000000000000E1";
        var (id, token) = await CreatePaidAsync(payer);
        var accepted = DecodeRequired(await _client.SendAsync(Extend(id, token))).Accepts[0];
        var walletBefore = (await gateway.EventsOfAsync(WalletAddress.StreamKey(payer))).Count;
        var payment = Payment(accepted, payer);
        // The session ends (DELETE, expiry) while the extension's payment is on its way to the chain.
        gateway.Facilitator.AfterSettle = () => Sessions.SessionWrites.DecideAndAppendAsync(gateway.Store, id,
            s => SessionDecider.Decide(s, new EndSession("test", "ended_by_client", DateTimeOffset.UtcNow)), null, default);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(Extend(id, token).WithPayment(payment));
        }
        finally
        {
            gateway.Facilitator.AfterSettle = null;
        }

        await AssertErrorAsync(response, 409, "session_not_extendable");
        Assert.Contains("credit", (await JsonAsync(response))["error"]!["message"]!.GetValue<string>());
        // The wallet's stream gains the settlement (the cash that came in) and the credit it became, nothing else.
        var added = (await gateway.EventsOfAsync(WalletAddress.StreamKey(payer))).Skip(walletBefore).ToList();
        Assert.Equal(2, added.Count);
        var settled = Assert.IsType<PaymentSettled>(added[0]);
        var credit = Assert.IsType<CreditGranted>(added[1]);
        Assert.Equal((id, "extend", accepted.Network, payer, 1_000_000L, ScriptedFacilitator.TransactionOf(payment), accepted.PayTo),
            (settled.SessionId, settled.Purpose, settled.Network, settled.Payer, settled.AmountAtomic, settled.Transaction, settled.PayTo));
        Assert.Equal((1_000_000L, "extend_not_servable", id, settled.PaymentKey), (credit.AmountAtomic, credit.Reason, credit.SessionId, credit.PaymentKey));
        var session = await gateway.EventsOfAsync(id);
        Assert.Empty(session.OfType<SessionExtended>());
        Assert.Single(session.OfType<PaymentSettled>()); // the creation's only: the extension bought nothing on the session

        // A retry of the same payment is told where the money went and records nothing again.
        gateway.Facilitator.Reset();
        var retry = await _client.SendAsync(Extend(id, token).WithPayment(payment));
        await AssertErrorAsync(retry, 409, "session_not_extendable");
        Assert.Equal(0, gateway.Facilitator.Settles);
        Assert.Equal(walletBefore + 2, (await gateway.EventsOfAsync(WalletAddress.StreamKey(payer))).Count);
    }

    [Fact]
    public async Task A_client_that_aborts_an_extension_during_settlement_gets_it_on_retry_and_pays_once()
    {
        const string payer = "0x00000000000000000000000000000000000000E2";
        var (id, token) = await CreatePaidAsync(payer);
        var accepted = DecodeRequired(await _client.SendAsync(Extend(id, token))).Accepts[0];
        var payment = Payment(accepted, payer, "slow_settle");
        gateway.Facilitator.Reset();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Facilitator.SettleStarted = started;
        using var abort = new CancellationTokenSource();
        var first = _client.SendAsync(Extend(id, token).WithPayment(payment), abort.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        abort.Cancel(); // the client goes away while the facilitator settles
        gateway.Facilitator.SettleStarted = null;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        HttpResponseMessage retry;
        while ((int)(retry = await _client.SendAsync(Extend(id, token).WithPayment(payment))).StatusCode == 409)
        {
            await AssertErrorAsync(retry, 409, "payment_in_progress");
            await Task.Delay(200);
        }

        Assert.Equal(200, (int)retry.StatusCode);
        Assert.Equal(1, gateway.Facilitator.Settles);
        var events = await gateway.EventsOfAsync(id);
        Assert.Single(events.OfType<SessionExtended>());
        Assert.Equal(2, events.OfType<PaymentSettled>().Count()); // the creation's and the extension's
    }

    [Fact]
    public async Task An_extension_can_be_paid_with_the_wallets_credits()
    {
        var key = EthECKey.GenerateKey();
        var wallet = key.GetPublicAddress().ToLowerInvariant();
        var (id, token) = await CreatePaidAsync(wallet);
        await using (var grant = gateway.Store.LightweightSession())
        {
            grant.Events.Append(WalletAddress.StreamKey(wallet), WalletDecider.Grant(wallet, 1_500_000, "refund", null, null, DateTimeOffset.UtcNow));
            await grant.SaveChangesAsync();
        }

        var quote = await _client.SendAsync(Extend(id, token));
        await AssertErrorAsync(quote, 402, "payment_required");
        var challenge = quote.Headers.GetValues(CreditChallenges.ChallengeHeader).Single();
        var part = challenge.Split('.')[0].Replace('-', '+').Replace('_', '/');
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=')));
        var paid = Extend(id, token);
        paid.Headers.Add(CreditChallenges.ChallengeHeader, challenge);
        paid.Headers.Add(CreditChallenges.SignatureHeader, new EthereumMessageSigner().EncodeUTF8AndSign(text, key));
        gateway.Facilitator.Reset();

        var response = await _client.SendAsync(paid);

        Assert.True(200 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, gateway.Facilitator.Settles);
        var events = await gateway.EventsOfAsync(id);
        Assert.Equal(10, Assert.Single(events.OfType<SessionExtended>()).AddedMinutes);
        Assert.Equal((1_000_000L, "extend"), (events.OfType<CreditsSpent>().Single().AmountAtomic, events.OfType<CreditsSpent>().Single().Purpose));
        await using var query = gateway.Store.QuerySession();
        Assert.Equal(500_000, (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(wallet)))!.BalanceAtomic);
    }
}
