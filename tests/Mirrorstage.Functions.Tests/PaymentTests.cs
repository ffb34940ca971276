using System.Net.Http.Json;
using Marten;
using System.Text.Json;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.X402.Tests.Support;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>The x402 flow against a scripted facilitator (real chains: the payment conformance suite).</summary>
[Collection(GatewayCollection.Name)]
public class PaymentTests(PaidGateway gateway)
{
    private const string Payer = "0x00000000000000000000000000000000000000B0";
    private readonly HttpClient _client = gateway.CreateClient();

    private async Task<PaymentRequirements> RequirementsAsync(string duration = "15")
    {
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, duration: duration)));
        return DecodeRequired(response).Accepts[0];
    }

    [Fact]
    public async Task Without_payment_a_402_lists_every_enabled_network()
    {
        var before = await gateway.CountEventsAsync();
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)));

        await AssertErrorAsync(response, 402, "payment_required");
        var required = DecodeRequired(response);
        Assert.Equal(2, required.X402Version);
        Assert.Equal("https://render.test/v1/sessions", required.Resource.Url);
        Assert.Equal(["eip155:84532", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"], required.Accepts.Select(a => a.Network));
        Assert.All(required.Accepts, a => Assert.Equal(("exact", "1000000", 300), (a.Scheme, a.Amount, a.MaxTimeoutSeconds)));
        Assert.Equal("USDC", required.Accepts[0].Extra!["name"]!.GetValue<string>());
        Assert.Equal("2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9", required.Accepts[1].Extra!["feePayer"]!.GetValue<string>());
        Assert.Contains("maxAmountPerPayment", required.Error);
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task The_price_follows_the_duration() =>
        Assert.Equal("500000", (await RequirementsAsync("10")).Amount);

    [Fact]
    public async Task Health_lists_the_enabled_networks_and_the_price()
    {
        var health = await JsonAsync(await _client.GetAsync("/health"));
        Assert.Equal(0.10m, health["price_per_minute_usd"]!.GetValue<decimal>());
        Assert.Equal(["eip155:84532", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"], health["networks"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task A_valid_payment_creates_the_session_and_records_the_settlement()
    {
        var accepted = await RequirementsAsync();
        gateway.Facilitator.Reset();
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer)));

        Assert.Equal(201, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(1.00m, json["price_usd"]!.GetValue<decimal>());
        Assert.Equal(Payer.ToLowerInvariant(), json["wallet"]!.GetValue<string>());
        var settle = JsonSerializer.Deserialize<SettleResponse>(Convert.FromBase64String(response.Headers.GetValues(X402Headers.PaymentResponse).Single()), X402Json.Options)!;
        Assert.True(settle.Success);
        Assert.Equal((1, 1), (gateway.Facilitator.Verifies, gateway.Facilitator.Settles));

        var events = await gateway.EventsOfAsync(json["session_id"]!.GetValue<string>());
        var paid = Assert.Single(events.OfType<PaymentSettled>());
        Assert.Equal(("create", "eip155:84532", 1_000_000L, settle.Transaction), (paid.Purpose, paid.Network, paid.AmountAtomic, paid.Transaction));
    }

    [Fact]
    public async Task A_settled_payment_is_counted_by_outcome_and_its_settlement_timed()
    {
        using var measured = new PaymentMeasurements();

        var accepted = await RequirementsAsync();
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer)));
        Assert.Equal(201, (int)response.StatusCode);

        Assert.Contains(measured.Measured, m => m is ("mirrorstage.payments", 1, "settled"));
        Assert.Contains(measured.Measured, m => m.Instrument == "mirrorstage.settlement.duration" && m.Outcome == "settled" && m.Value >= 0);
    }

    [Fact]
    public async Task Retrying_the_same_request_with_the_same_payment_and_key_returns_the_same_session_without_a_second_charge()
    {
        var payment = Payment(await RequirementsAsync(), Payer);
        var key = Guid.NewGuid().ToString();
        gateway.Facilitator.Reset();
        var first = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment, key)));
        var retry = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment, key));

        Assert.Equal(201, (int)retry.StatusCode);
        var second = await JsonAsync(retry);
        Assert.Equal(first["session_id"]!.GetValue<string>(), second["session_id"]!.GetValue<string>());
        Assert.Equal(first["token"]!.GetValue<string>(), second["token"]!.GetValue<string>());
        Assert.True(retry.Headers.Contains(X402Headers.PaymentResponse));
        Assert.Equal(1, gateway.Facilitator.Settles);
    }

    [Fact]
    public async Task A_payment_used_once_cannot_pay_for_another_request()
    {
        var payment = Payment(await RequirementsAsync(), Payer);
        Assert.Equal(201, (int)(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment))).StatusCode);
        gateway.Facilitator.Reset();
        var before = await gateway.CountEventsAsync();

        var other = await _client.SendAsync(CreateSession(SessionForm(TestImages.AstronautJpeg, "face.jpg"), payment));
        await AssertErrorAsync(other, 409, "payment_already_used");
        Assert.Equal((0, 0), (gateway.Facilitator.Verifies, gateway.Facilitator.Settles));
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task One_payment_raced_by_ten_requests_buys_exactly_one_session()
    {
        var payment = Payment(await RequirementsAsync(), Payer);
        gateway.Facilitator.Reset();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            _client.SendAsync(CreateSession(SessionForm(i % 2 == 0 ? TestImages.Astronaut : TestImages.AstronautJpeg, i % 2 == 0 ? "a.png" : "a.jpg"), payment))));

        var created = responses.Where(r => (int)r.StatusCode == 201).ToList();
        Assert.All(responses, r => Assert.Contains((int)r.StatusCode, new[] { 201, 409 }));
        var ids = await Task.WhenAll(created.Select(async r => (await JsonAsync(r))["session_id"]!.GetValue<string>()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, gateway.Facilitator.Settles);
    }

    [Fact]
    public async Task A_payment_for_other_requirements_is_refused_with_the_requirements_again()
    {
        var accepted = await RequirementsAsync();
        gateway.Facilitator.Reset();
        foreach (var tampered in new[] { accepted with { Amount = "999999" }, accepted with { PayTo = "0x000000000000000000000000000000000000bEEF" }, accepted with { Network = "eip155:8453" } })
        {
            var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(tampered, Payer)));
            await AssertErrorAsync(response, 402, "payment_requirements_mismatch");
            Assert.NotEmpty(DecodeRequired(response).Accepts);
        }
        Assert.Equal(0, gateway.Facilitator.Verifies);
    }

    [Theory]
    [InlineData("invalid", 402, "payment_invalid", 0)]
    [InlineData("settle_fails", 402, "payment_settlement_failed", 1)]
    [InlineData("verify_unavailable", 503, "facilitator_unavailable", 0)]
    public async Task A_refused_payment_creates_nothing(string script, int status, string code, int settles)
    {
        var accepted = await RequirementsAsync();
        gateway.Facilitator.Reset();
        var before = await gateway.CountEventsAsync();
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer, script)));

        await AssertErrorAsync(response, status, code);
        Assert.Equal(settles, gateway.Facilitator.Settles);
        Assert.Equal(before, await gateway.CountEventsAsync());
        if (script == "settle_fails") Assert.True(response.Headers.Contains(X402Headers.PaymentResponse));
    }

    [Fact]
    public async Task A_failed_settlement_frees_the_payload_for_a_retry()
    {
        var accepted = await RequirementsAsync();
        var nonce = "0x" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        await AssertErrorAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer, "settle_fails", nonce))), 402, "payment_settlement_failed");
        var retry = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer, "ok", nonce)));
        Assert.Equal(201, (int)retry.StatusCode);
    }

    [Fact]
    public async Task An_unknown_settlement_outcome_keeps_the_payload_locked()
    {
        var accepted = await RequirementsAsync();
        var payment = Payment(accepted, Payer, "settle_unavailable");
        var first = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment));
        await AssertErrorAsync(first, 503, "settlement_unknown");
        var retry = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment));
        await AssertErrorAsync(retry, 409, "payment_in_progress");
        Assert.Equal(TimeSpan.FromSeconds(5), retry.Headers.RetryAfter?.Delta);
        Assert.Equal(TimeSpan.FromSeconds(5), first.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Money_settled_for_a_session_that_could_not_be_recorded_becomes_credit()
    {
        const string payer = "0x00000000000000000000000000000000000000D4";
        var accepted = await RequirementsAsync(AppendFault.Minutes.ToString());
        gateway.Facilitator.Reset();
        var payment = Payment(accepted, payer);
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, duration: AppendFault.Minutes.ToString()), payment));

        await AssertErrorAsync(response, 503, "session_not_recorded");
        Assert.Equal(1, gateway.Facilitator.Settles);
        // On the wallet's stream, in one transaction: the settlement (the cash that came in), then the credit it became.
        var walletStream = Events.Wallets.WalletAddress.StreamKey(payer);
        var events = await gateway.EventsOfAsync(walletStream);
        Assert.Equal(2, events.Count);
        var settled = Assert.IsType<PaymentSettled>(events[0]);
        var credit = Assert.IsType<Events.Wallets.CreditGranted>(events[1]);
        Assert.Equal(("create", accepted.Network, payer, accepted.Asset, 3_700_000L, ScriptedFacilitator.TransactionOf(payment), accepted.PayTo),
            (settled.Purpose, settled.Network, settled.Payer, settled.Asset, settled.AmountAtomic, settled.Transaction, settled.PayTo));
        Assert.Equal((3_700_000L, "settled_but_not_recorded"), (credit.AmountAtomic, credit.Reason));
        Assert.Equal((credit.PaymentKey, credit.SessionId), (settled.PaymentKey, settled.SessionId));
        await using var query = gateway.Store.QuerySession();
        var balance = await query.LoadAsync<Events.Wallets.WalletBalance>(walletStream);
        Assert.Equal(3_700_000, balance!.BalanceAtomic);
        Assert.Null(await query.LoadAsync<SessionView>(walletStream)); // a settlement on a wallet stream is no session
        Assert.Null(await query.LoadAsync<SessionView>(settled.SessionId));
        var ledger = await query.Query<Events.Billing.BillingLedger>().Where(l => l.Wallet == payer.ToLowerInvariant()).ToListAsync();
        Assert.Equal([("settlement", 3_700_000L), ("credit_granted", -3_700_000L)],
            ledger.OrderBy(l => l.AmountAtomic < 0).Select(l => (l.Kind, l.AmountAtomic)));

        // A retry is told where the money went (not "in progress" forever), and nothing is settled or granted again.
        var retry = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, duration: AppendFault.Minutes.ToString()), payment));
        await AssertErrorAsync(retry, 409, "payment_already_used");
        Assert.Contains(payer.ToLowerInvariant(), (await JsonAsync(retry))["error"]!["message"]!.GetValue<string>());
        Assert.Equal(1, gateway.Facilitator.Settles);
        Assert.Equal(events, await gateway.EventsOfAsync(walletStream));
    }

    [Fact]
    public async Task A_wallet_field_that_is_not_the_payer_is_refused_before_settlement()
    {
        var accepted = await RequirementsAsync();
        gateway.Facilitator.Reset();
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, wallet: "0x00000000000000000000000000000000000000C0"), Payment(accepted, Payer)));
        await AssertErrorAsync(response, 403, "wallet_mismatch");
        Assert.Equal(0, gateway.Facilitator.Settles);
    }

    [Fact]
    public async Task Extensions_are_paid_by_the_creating_wallet_only()
    {
        var created = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(await RequirementsAsync(), Payer))));
        var id = created["session_id"]!.GetValue<string>();
        var token = created["token"]!.GetValue<string>();

        var quote = await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 10 })));
        await AssertErrorAsync(quote, 402, "payment_required");
        var accepted = DecodeRequired(quote).Accepts[0];
        Assert.Equal("1000000", accepted.Amount); // 10 minutes, no free part

        gateway.Facilitator.Reset();
        var stranger = await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 10 })).WithPayment(Payment(accepted, "0x00000000000000000000000000000000000000C0")));
        await AssertErrorAsync(stranger, 403, "wallet_mismatch");
        Assert.Equal(0, gateway.Facilitator.Settles);

        var payment = Payment(accepted, Payer);
        var extended = await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 10 })).WithPayment(payment));
        Assert.Equal(200, (int)extended.StatusCode);
        Assert.Equal(1.00m, (await JsonAsync(extended))["price_usd"]!.GetValue<decimal>());
        Assert.True(extended.Headers.Contains(X402Headers.PaymentResponse));

        // The same extension retried with the same payment is not charged again.
        var retry = await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 10 })).WithPayment(payment));
        Assert.Equal(200, (int)retry.StatusCode);
        Assert.Equal(1, gateway.Facilitator.Settles);
        var events = await gateway.EventsOfAsync(id);
        Assert.Single(events.OfType<SessionExtended>());
        Assert.Equal(["create", "extend"], events.OfType<PaymentSettled>().Select(p => p.Purpose));

        await using var query = gateway.Store.QuerySession();
        var ledger = await query.Query<Events.Billing.BillingLedger>().Where(l => l.SessionId == id).ToListAsync();
        Assert.Equal(2_000_000, ledger.Sum(l => l.AmountAtomic));
        Assert.NotNull(await query.LoadAsync<PaymentRecord>(events.OfType<PaymentSettled>().Last().PaymentKey));
    }
}

internal static class PaymentRequestExtensions
{
    public static HttpRequestMessage WithPayment(this HttpRequestMessage request, string payment)
    {
        request.Headers.TryAddWithoutValidation(X402Headers.PaymentSignature, payment);
        return request;
    }
}

/// <summary>The gateway's own rules run before the facilitator: a forged signature never reaches it.</summary>
[Collection(GatewayCollection.Name)]
public class LocalPaymentRulesTests(PaidGateway gateway)
{
    [Fact]
    public async Task A_forged_Solana_payment_is_refused_by_the_gateway_itself()
    {
        using var measured = new PaymentMeasurements();
        var client = gateway.CreateClient();
        var solana = DecodeRequired(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[1];
        gateway.Facilitator.Reset();
        // Well formed, but signed by a key that is not the transfer authority.
        var forged = SolanaPayments.Transaction(new SolanaPayments.Tx
        {
            FeePayerKey = Mirrorstage.X402.Svm.Base58.Decode(solana.Extra!["feePayer"]!.GetValue<string>()), SignWith = SolanaPayments.NewKey().Secret,
        });
        var header = X402Headers.Encode(SolanaPayments.PayloadOf(Convert.ToBase64String(forged), solana));
        var response = await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), header));
        await AssertErrorAsync(response, 402, "payment_invalid");
        Assert.Contains("invalid_exact_svm_payload_transaction_signature", (await JsonAsync(response))["error"]!["message"]!.GetValue<string>());
        Assert.Equal(0, gateway.Facilitator.Verifies);
        // Counted by outcome like a facilitator's refusal, with no settlement to time.
        Assert.Contains(measured.Measured, m => m is ("mirrorstage.payments", 1, "payment_invalid"));
        Assert.DoesNotContain(measured.Measured, m => m.Instrument == "mirrorstage.settlement.duration");
    }
}
