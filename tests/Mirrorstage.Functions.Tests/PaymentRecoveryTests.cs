using JasperFx.Events;
using Marten;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Payments;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Reconciliation;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>No settled payment is lost: a client gone mid-settlement, an unknown outcome, a facilitator that says
/// "failed" while the chain moved the money (the store going down: StoreOutageTests).</summary>
[Collection(GatewayCollection.Name)]
public class PaymentRecoveryTests(PaidGateway gateway)
{
    private const string Payer = "0x00000000000000000000000000000000000000C1";
    private readonly HttpClient _client = gateway.CreateClient();

    private async Task<PaymentRequirements> AcceptedAsync() =>
        DecodeRequired(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];

    private static string NewNonce() => "0x" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    private Task<HttpResponseMessage> SendAsync(string payment, string key, CancellationToken ct = default) =>
        _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment, key), ct);

    private async Task<PaymentClaim?> ClaimAsync(string nonce, PaymentRequirements accepted)
    {
        await using var query = gateway.Store.QuerySession();
        return await query.LoadAsync<PaymentClaim>($"{accepted.Network}|{accepted.Asset.ToLowerInvariant()}|{Payer.ToLowerInvariant()}|{nonce}");
    }

    private async Task<List<PaymentSettled>> SettledAsync(string sessionId) => (await gateway.EventsOfAsync(sessionId)).OfType<PaymentSettled>().ToList();

    [Fact]
    public async Task A_client_that_aborts_during_settlement_gets_its_session_on_retry_and_pays_once()
    {
        var accepted = await AcceptedAsync();
        var payment = Payment(accepted, Payer, "slow_settle");
        var key = Guid.NewGuid().ToString();
        gateway.Facilitator.Reset();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Facilitator.SettleStarted = started;
        using var abort = new CancellationTokenSource();
        var first = SendAsync(payment, key, abort.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        abort.Cancel(); // the client goes away while the facilitator settles
        gateway.Facilitator.SettleStarted = null;

        HttpResponseMessage retry;
        var sawInProgress = false;
        while (true)
        {
            retry = await SendAsync(payment, key);
            if ((int)retry.StatusCode != 409) break;
            await AssertErrorAsync(retry, 409, "payment_in_progress");
            Assert.NotNull(retry.Headers.RetryAfter);
            sawInProgress = true;
            await Task.Delay(200);
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.True(sawInProgress, $"the retry came while the first request was still settling: {(int)retry.StatusCode} {await retry.Content.ReadAsStringAsync()}");
        Assert.Equal(201, (int)retry.StatusCode);
        var session = await JsonAsync(retry);
        Assert.StartsWith("sk_", session["token"]!.GetValue<string>());
        Assert.Equal(1, gateway.Facilitator.Settles);
        Assert.Equal(1_000_000, Assert.Single(await SettledAsync(session["session_id"]!.GetValue<string>())).AmountAtomic);
    }

    [Fact]
    public async Task An_unknown_outcome_is_settled_from_the_chain_into_the_session()
    {
        var accepted = await AcceptedAsync();
        var nonce = NewNonce();
        var payment = Payment(accepted, Payer, "broadcast_unconfirmed", nonce);
        var key = Guid.NewGuid().ToString();
        await AssertErrorAsync(await SendAsync(payment, key), 503, "settlement_unknown");
        await AssertErrorAsync(await SendAsync(payment, key), 409, "payment_in_progress");
        var claim = await ClaimAsync(nonce, accepted);
        Assert.Equal(ClaimStates.Unknown, claim!.State);

        gateway.Probes.Say(nonce, new ChainVerdict.Moved(claim.Transaction!, Payer));
        await gateway.Hosted<PaymentReconciler>().ReconcileAsync(default);

        Assert.Contains(claim.Transaction, gateway.Probes.AskedWithTransaction); // the broadcast hash was kept for the chain query
        var served = await SendAsync(payment, key);
        Assert.Equal(201, (int)served.StatusCode);
        var id = (await JsonAsync(served))["session_id"]!.GetValue<string>();
        Assert.Equal(claim.Order.SessionId, id);
        Assert.Equal((claim.Transaction, 1_000_000L), (Assert.Single(await SettledAsync(id)).Transaction, 1_000_000L));
        await AssertErrorAsync(await SendAsync(payment, "not-the-clients-key"), 409, "payment_already_used");
    }

    [Fact]
    public async Task An_unknown_outcome_that_the_chain_shows_never_moved_releases_the_claim()
    {
        var accepted = await AcceptedAsync();
        var nonce = NewNonce();
        var payment = Payment(accepted, Payer, "settle_unavailable", nonce);
        var before = await gateway.CountEventsAsync();
        await AssertErrorAsync(await SendAsync(payment, "release-key-0001"), 503, "settlement_unknown");
        gateway.Probes.Say(nonce, new ChainVerdict.NotMoved("scripted: authorization expired unused"));

        await gateway.Hosted<PaymentReconciler>().ReconcileAsync(default);

        Assert.Null(await ClaimAsync(nonce, accepted));
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task A_failed_settlement_the_chain_shows_as_moved_is_served_not_refused()
    {
        var accepted = await AcceptedAsync();
        var nonce = NewNonce();
        gateway.Probes.Say(nonce, new ChainVerdict.Moved("0x" + new string('f', 64).Remove(0, 8) + Guid.NewGuid().ToString("N")[..8], Payer));
        var response = await SendAsync(Payment(accepted, Payer, "settle_fails", nonce), "front-run-key-01");
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Single(await SettledAsync((await JsonAsync(response))["session_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_failed_settlement_whose_chain_is_not_final_stays_claimed_until_the_chain_decides()
    {
        var accepted = await AcceptedAsync();
        var nonce = NewNonce();
        var payment = Payment(accepted, Payer, "settle_fails", nonce);
        gateway.Probes.Say(nonce, new ChainVerdict.Pending("scripted: the settling transaction is not mined yet"));

        await AssertErrorAsync(await SendAsync(payment, "pending-key-0001"), 503, "settlement_unknown");
        Assert.Equal(ClaimStates.Unknown, (await ClaimAsync(nonce, accepted))?.State);
        await AssertErrorAsync(await SendAsync(payment, "pending-key-0001"), 409, "payment_in_progress");

        var mined = "0x" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        gateway.Probes.Say(nonce, new ChainVerdict.Moved(mined, Payer));
        await gateway.Hosted<PaymentReconciler>().ReconcileAsync(default);

        var served = await SendAsync(payment, "pending-key-0001");
        Assert.Equal(201, (int)served.StatusCode);
        Assert.Equal(mined, Assert.Single(await SettledAsync((await JsonAsync(served))["session_id"]!.GetValue<string>())).Transaction);
    }

    [Fact]
    public async Task A_settlement_reported_pending_is_unknown_until_the_chain_shows_its_transaction_moved()
    {
        var accepted = await AcceptedAsync();
        var nonce = NewNonce();
        var payment = Payment(accepted, Payer, "settle_pending", nonce);
        var key = Guid.NewGuid().ToString();
        gateway.Probes.Say(nonce, new ChainVerdict.Pending("scripted: not confirmed yet"));
        await AssertErrorAsync(await SendAsync(payment, key), 503, "settlement_unknown");
        await AssertErrorAsync(await SendAsync(payment, key), 409, "payment_in_progress");
        var claim = await ClaimAsync(nonce, accepted);
        Assert.Equal((ClaimStates.Unknown, ScriptedFacilitator.TransactionOf(payment)), (claim!.State, claim.Transaction));

        gateway.Probes.Say(nonce, new ChainVerdict.Moved(claim.Transaction!, Payer));
        await gateway.Hosted<PaymentReconciler>().ReconcileAsync(default);

        var served = await SendAsync(payment, key);
        Assert.Equal(201, (int)served.StatusCode);
        Assert.Equal(claim.Transaction, Assert.Single(await SettledAsync((await JsonAsync(served))["session_id"]!.GetValue<string>())).Transaction);
    }

    [Fact]
    public async Task The_relayer_nonce_lock_is_held_across_connections()
    {
        var locks = gateway.Services.GetService(typeof(Mirrorstage.X402.Evm.IRelayerNonceLock)) as Mirrorstage.X402.Evm.IRelayerNonceLock;
        var relayer = "0x" + Guid.NewGuid().ToString("N")[..20] + "00000000000000000000";
        var first = await locks!.AcquireAsync(relayer, default);
        var second = locks.AcquireAsync(relayer.ToUpperInvariant().Replace("0X", "0x"), default);
        await Task.Delay(500);
        Assert.False(second.IsCompleted, "a second holder got the lock while the first held it");
        await first.DisposeAsync();
        await using var held = await second.WaitAsync(TimeSpan.FromSeconds(10));
        await using var other = await locks.AcquireAsync("0x" + new string('1', 40), default).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
