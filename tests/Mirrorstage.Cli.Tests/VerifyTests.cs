using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Tests;

/// <summary>`mirrorstage audit verify` against the stored projections and the sessions' own facts.</summary>
public class VerifyTests
{
    private static async Task<AuditRig> HistoryAsync(string name)
    {
        var rig = await AuditRig.CreateAsync(name);
        await new ScriptedHistory(rig.Store).WriteAsync();
        return rig;
    }

    private static string[] Lines(string output, string check) => output.Split('\n').Where(l => l.StartsWith($"[{check}]")).ToArray();

    [Fact]
    public async Task A_stored_ledger_row_with_another_amount_is_named()
    {
        await using var rig = await HistoryAsync("audit_verify_ledger_row");
        var seq = await rig.ScalarAsync<long>("select seq_id from {S}.mt_events where type = 'credit_spent'");
        await rig.SqlAsync("update {S}.mt_doc_billingledger set data = jsonb_set(data, '{AmountAtomic}', '-1000000') where data->>'Kind' = 'credit_spent'");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(Lines(output, "ledger"));
        Assert.Contains($"event seq {seq} (credit_spent", line);
        Assert.Contains("amount_atomic replayed 1000000, stored -1000000", line);
        Assert.Empty(Lines(output, "chain"));
    }

    [Fact]
    public async Task A_stored_wallet_balance_that_the_events_do_not_give_is_named()
    {
        await using var rig = await HistoryAsync("audit_verify_wallet");
        await rig.SqlAsync($"update {{S}}.mt_doc_walletbalance set data = jsonb_set(data, '{{BalanceAtomic}}', '5000000') where id = '{WalletAddress.StreamKey(ScriptedHistory.B)}'");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(Lines(output, "wallets"));
        Assert.Contains($"{WalletAddress.StreamKey(ScriptedHistory.B)}: replayed granted 1200000, spent 0, balance 1200000; stored granted 1200000, spent 0, balance 5000000", line);
    }

    [Fact]
    public async Task A_session_view_that_disagrees_with_its_payments_is_named()
    {
        await using var rig = await HistoryAsync("audit_verify_session_view");
        await rig.SqlAsync("update {S}.mt_doc_sessionview set data = jsonb_set(data, '{PaidAtomic}', '1000000') where id = 's1'");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        Assert.Contains("[sessions] session s1: stored SessionView says 1000000 settled and 0 in credits; the events say 2000000 and 0",
            Assert.Single(Lines(output, "sessions")));
    }

    [Fact]
    public async Task A_refund_the_rules_do_not_give_is_named_with_the_rule()
    {
        await using var rig = await HistoryAsync("audit_verify_refund_rule");
        // Under the former rule s4 would have got 466,666 (the free minutes priced like the others); it got 700,000,
        // and here someone grants it another 100,000 through the store itself.
        await using (var session = rig.Store.LightweightSession())
        {
            session.Events.Append(WalletAddress.StreamKey(ScriptedHistory.B),
                WalletDecider.Grant(ScriptedHistory.B, 100_000, "session_worker_lost", "s4", null, ScriptedHistory.T0.AddHours(5)));
            await session.SaveChangesAsync();
        }

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(Lines(output, "sessions"));
        Assert.Contains("session s4: refunded 800000; the worker-lost rule (paid 1000000 for 10 paid of 15 minutes, 420 s left when lost; the 5 free minutes count as used first) gives 700000", line);
        Assert.Empty(Lines(output, "chain")); // appended through the store: the chain is whole, the rule is not
        Assert.Empty(Lines(output, "ledger"));
    }

    [Fact]
    public async Task A_payment_inserted_through_the_trigger_at_the_end_is_caught_by_the_ledger_and_the_price()
    {
        await using var rig = await HistoryAsync("audit_verify_insert_end");
        var seq = await rig.ScalarAsync<long>("select seq_id from {S}.mt_events where type = 'payment_settled' and stream_id = 's4'");
        await rig.SqlAsync($$"""
            insert into {S}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived)
            select (select max(seq_id) + 1 from {S}.mt_events), gen_random_uuid(), stream_id, 900, data, type, timestamp, tenant_id, mt_dotnet_type, null, false
            from {S}.mt_events where seq_id = {{seq}};
            """);

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        Assert.Empty(Lines(output, "chain")); // linked by the trigger like any append
        Assert.Contains("has no stored ledger row", Assert.Single(Lines(output, "ledger")));
        Assert.Contains(Lines(output, "sessions"), l => l.Contains("session s4: priced 1000000 (creation and extensions) but paid 2000000"));
    }

    [Fact]
    public async Task A_settlement_that_bought_nothing_needs_its_credit()
    {
        await using var rig = await HistoryAsync("audit_verify_uncredited");
        var (cleanExit, cleanOutput) = await rig.AuditAsync("verify");
        Assert.True(cleanExit == 0, cleanOutput);
        // s5 has no session: its settlement on B's wallet is accounted for by its credit. Without that credit it is not.
        var seq = await rig.ScalarAsync<long>($"select seq_id from {{S}}.mt_events where type = 'payment_settled' and stream_id = '{WalletAddress.StreamKey(ScriptedHistory.B)}'");
        await rig.SqlAsync($"delete from {{S}}.mt_events where type = 'credit_granted' and data->>'PaymentKey' = 'key-0x05'");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(Lines(output, "sessions"));
        Assert.Contains($"session s5: event seq {seq} (payment_settled", line);
        Assert.Contains("settled 500000 in 0x05 on eip155:8453 for payment key-0x05 and bought nothing, but no credit of that amount records it", line);
    }

    [Fact]
    public async Task A_settlement_with_neither_a_session_nor_a_credit_is_named()
    {
        await using var rig = await HistoryAsync("audit_verify_orphan_settlement");
        await Settled.RecordAsync(rig, new Events.Sessions.PaymentSettled("s9", "create", ScriptedHistory.Base, ScriptedHistory.A, ScriptedHistory.Usdc,
            250_000, "0x09", "key-0x09", ScriptedHistory.T0.AddHours(6), ScriptedHistory.PayTo));

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        Assert.Equal("[sessions] session s9: settled 250000 on a stream that has no SessionCreated: the money paid for no session and is no credit",
            Assert.Single(Lines(output, "sessions")).TrimEnd('\r'));
        Assert.Empty(Lines(output, "chain")); // appended through the store
    }

    [Fact]
    public async Task A_deleted_payment_leaves_its_stored_row_and_an_underpaid_session()
    {
        await using var rig = await HistoryAsync("audit_verify_delete");
        var id = await rig.ScalarAsync<Guid>("select id from {S}.mt_events where type = 'payment_settled' and stream_id = 's1' order by seq_id desc limit 1");
        await rig.SqlAsync($"delete from {{S}}.mt_events where id = '{id}'");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        Assert.Contains($"stored row for event {id}", Assert.Single(Lines(output, "ledger")));
        Assert.Contains(Lines(output, "sessions"), l => l.Contains("session s1: priced 2000000 (creation and extensions) but paid 1000000"));
        Assert.Single(Lines(output, "chain"));
    }
}
