using System.Text.Json;
using Mirrorstage.Cli.Audit;
using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Billing;
using static Mirrorstage.Cli.Tests.Support.ScriptedHistory;

namespace Mirrorstage.Cli.Tests;

/// <summary>The ledger rebuilt from the raw events of a scripted history, against a real PostgreSQL.</summary>
public class ReplayTests
{
    private static async Task<AuditRig> HistoryAsync(string name)
    {
        var rig = await AuditRig.CreateAsync(name);
        await new ScriptedHistory(rig.Store).WriteAsync();
        return rig;
    }

    private static async Task<List<BillingLedger>> ReplayAsync(AuditRig rig, ReplayFilter filter)
    {
        await using var db = rig.OpenAudit();
        var rows = new List<BillingLedger>();
        await foreach (var row in LedgerReplay.RowsAsync(db, filter, null, CancellationToken.None)) rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task A_scripted_history_replays_to_the_exact_expected_ledger()
    {
        await using var rig = await HistoryAsync("audit_replay_exact");
        var rows = await ReplayAsync(rig, new ReplayFilter());

        Assert.Equal(ExpectedRows, rows.Select(r => (r.Kind, r.AmountAtomic, r.Wallet, r.SessionId!, r.Transaction, r.Reason!)).ToArray());
        Assert.All(rows.Where(r => r.Kind == LedgerKinds.Settlement), r => Assert.Equal((Base, Usdc, PayTo), (r.Network!, r.Asset!, r.PayTo!)));
        Assert.Equal(rows.Select(r => r.Sequence).Order(), rows.Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_session_paid_with_credits_is_one_row_and_sums_to_what_it_cost()
    {
        await using var rig = await HistoryAsync("audit_replay_credit_paid");
        var rows = await ReplayAsync(rig, new ReplayFilter(Session: "s3"));

        var row = Assert.Single(rows); // the session-side CreditsSpent is the same movement: no second row
        Assert.Equal((LedgerKinds.CreditSpent, 1_000_000L), (row.Kind, row.AmountAtomic));
        Assert.Equal(0, (await ReplayAsync(rig, new ReplayFilter(Session: "s2"))).Sum(r => r.AmountAtomic)); // failed: cost nothing
        Assert.Equal(300_000, (await ReplayAsync(rig, new ReplayFilter(Session: "s4"))).Sum(r => r.AmountAtomic)); // 3 paid minutes used
    }

    [Fact]
    public async Task A_payment_that_bought_nothing_is_the_cash_that_came_in_then_the_credit_it_became()
    {
        await using var rig = await HistoryAsync("audit_replay_bought_nothing");
        var rows = await ReplayAsync(rig, new ReplayFilter(Session: "s5"));

        Assert.Equal([(LedgerKinds.Settlement, 500_000L, "0x05"), (LedgerKinds.CreditGranted, -500_000L, null)],
            rows.Select(r => (r.Kind, r.AmountAtomic, r.Transaction)));
        Assert.Equal((Base, Usdc, B, PayTo), (rows[0].Network!, rows[0].Asset!, rows[0].Payer!, rows[0].PayTo!));
        Assert.Equal(0, rows.Sum(r => r.AmountAtomic)); // it cost B nothing: the money is held as credit
        var linked = await rig.ScalarAsync<long>($"select count(*) from {{S}}.mt_events where seq_id in ({rows[0].Sequence}, {rows[1].Sequence}) and headers ? 'billing_chain'");
        Assert.Equal(2, linked); // both on the billing chain
    }

    [Fact]
    public async Task Filters_by_wallet_and_by_day_keep_only_those_rows()
    {
        await using var rig = await HistoryAsync("audit_replay_filters");
        Assert.Equal(4, (await ReplayAsync(rig, new ReplayFilter(Wallet: B.ToUpperInvariant().Replace("0X", "0x")))).Count);
        var firstDay = await ReplayAsync(rig, new ReplayFilter(From: T0.Date, To: T0.Date.AddDays(1)));
        Assert.Equal(["0x01", "0x02", "0x03", null], firstDay.Select(r => r.Transaction)); // s1, s2 and s2's refund on 30 Nov
    }

    [Fact]
    public async Task The_summary_per_wallet_and_per_day_follows_the_sign_convention()
    {
        await using var rig = await HistoryAsync("audit_replay_summary");
        var (exit, output) = await rig.AuditAsync("replay", "--format", "json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(ExpectedRows.Length, json.RootElement.GetProperty("rows").GetArrayLength());
        var summary = json.RootElement.GetProperty("summary").EnumerateArray()
            .ToDictionary(s => s.GetProperty("scope").GetString() + ":" + s.GetProperty("key").GetString(),
                s => (s.GetProperty("settled").GetInt64(), s.GetProperty("refunded").GetInt64(), s.GetProperty("credit_granted").GetInt64(),
                    s.GetProperty("credit_spent").GetInt64(), s.GetProperty("credit_held").GetInt64(), s.GetProperty("net").GetInt64()));

        Assert.Equal((3_000_000L, 1_000_000L, 0L, 1_000_000L, 0L, 3_000_000L), summary["wallet:" + A]);
        // B paid 1,500,000 in cash and holds 1,200,000 of it as credit: charged 300,000, s4's 3 paid minutes.
        Assert.Equal((1_500_000L, 700_000L, 500_000L, 0L, 1_200_000L, 300_000L), summary["wallet:" + B]);
        Assert.Equal((3_000_000L, 1_000_000L, 0L, 0L, 1_000_000L, 2_000_000L), summary["day:2026-11-30"]);
        Assert.Equal((4_500_000L, 1_700_000L, 500_000L, 1_000_000L, 1_200_000L, 3_300_000L), summary["all:"]);
    }

    [Fact]
    public async Task Csv_has_one_header_and_one_line_per_row()
    {
        await using var rig = await HistoryAsync("audit_replay_csv");
        var (exit, output) = await rig.AuditAsync("replay", "--format", "csv", "--wallet", A);
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(string.Join(',', LedgerColumns.All.Select(c => c.Name)), lines[0]);
        Assert.Equal(5, lines.Length - 1);
        Assert.Contains(",refund,-1000000,,,,,,s2," + A + ",session_failed_before_live,", lines[4]);
    }
}
