using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Tests;

/// <summary>Billing events changed straight in PostgreSQL, as someone with the database's password could: each
/// change is found by `mirrorstage audit verify`, which names the event.</summary>
public class TamperTests
{
    private static async Task<AuditRig> HistoryAsync(string name)
    {
        var rig = await AuditRig.CreateAsync(name);
        await new ScriptedHistory(rig.Store).WriteAsync();
        return rig;
    }

    private static Task<long> SeqAsync(AuditRig rig, string type, string stream) =>
        rig.ScalarAsync<long>($"select seq_id from {{S}}.mt_events where type = '{type}' and stream_id = '{stream}' order by seq_id limit 1");

    private static string[] ChainLines(string output) =>
        output.Split('\n').Where(l => l.StartsWith("[chain]")).ToArray();

    [Fact]
    public async Task An_untouched_history_verifies_clean()
    {
        await using var rig = await HistoryAsync("audit_tamper_none");
        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(0, exit);
        Assert.Contains("verify: no differences", output);
    }

    [Fact]
    public async Task Editing_one_events_amount_is_found_and_named()
    {
        await using var rig = await HistoryAsync("audit_tamper_edit");
        var seq = await SeqAsync(rig, "payment_settled", "s2");
        await rig.SqlAsync($"update {{S}}.mt_events set data = jsonb_set(data, '{{AmountAtomic}}', '1') where seq_id = {seq}");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(ChainLines(output));
        Assert.Contains($"event seq {seq} (payment_settled", line);
        Assert.Contains("edited", line);
    }

    [Fact]
    public async Task Deleting_one_event_is_found_between_its_neighbours()
    {
        await using var rig = await HistoryAsync("audit_tamper_delete");
        var seq = await SeqAsync(rig, "credit_granted", WalletAddress.StreamKey(ScriptedHistory.A));
        var position = await rig.ScalarAsync<long>($"select ((headers->'billing_chain')->>'n')::bigint from {{S}}.mt_events where seq_id = {seq}");
        await rig.SqlAsync($"delete from {{S}}.mt_events where seq_id = {seq}");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(ChainLines(output));
        Assert.Contains($"chain position {position}, between event seq", line);
        Assert.Contains("deleted", line);
    }

    [Fact]
    public async Task Deleting_the_last_event_is_found_by_the_head()
    {
        await using var rig = await HistoryAsync("audit_tamper_delete_last");
        await rig.SqlAsync("delete from {S}.mt_events where seq_id = (select max(seq_id) from {S}.mt_events where headers ? 'billing_chain')");

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        Assert.Contains("[chain] the chain's head: records position", Assert.Single(ChainLines(output)));
    }

    [Fact]
    public async Task Inserting_one_event_around_the_trigger_is_found_unlinked()
    {
        await using var rig = await HistoryAsync("audit_tamper_insert");
        var seq = await SeqAsync(rig, "payment_settled", "s4");
        // A copy of s4's payment with a new id and a free sequence number, triggers off as a restore would run.
        await rig.SqlAsync($$"""
            set session_replication_role = replica;
            insert into {S}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived)
            select 900000, gen_random_uuid(), stream_id, 900, data, type, timestamp, tenant_id, mt_dotnet_type, null, false
            from {S}.mt_events where seq_id = {{seq}};
            """);

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(ChainLines(output));
        Assert.Contains("event seq 900000 (payment_settled", line);
        Assert.Contains("without a chain link", line);
    }

    [Fact]
    public async Task Inserting_one_event_through_the_trigger_before_others_is_found_out_of_order()
    {
        await using var rig = await HistoryAsync("audit_tamper_insert_middle");
        var seq = await SeqAsync(rig, "payment_settled", "s2");
        // Sequence number 0 is free and sorts first: the trigger links it, but at the end of the chain.
        await rig.SqlAsync($$"""
            insert into {S}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived)
            select 0, gen_random_uuid(), stream_id, 900, data, type, timestamp, tenant_id, mt_dotnet_type, null, false
            from {S}.mt_events where seq_id = {{seq}};
            """);

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var line = Assert.Single(ChainLines(output));
        Assert.Contains("event seq 0 (payment_settled", line);
        Assert.Contains("reordered", line);
    }

    [Fact]
    public async Task Swapping_two_events_is_found_and_both_are_named()
    {
        await using var rig = await HistoryAsync("audit_tamper_swap");
        var first = await SeqAsync(rig, "payment_settled", "s1");
        var second = await SeqAsync(rig, "payment_settled", "s4");
        await rig.SqlAsync($$"""
            update {S}.mt_events set seq_id = -1 where seq_id = {{first}};
            update {S}.mt_events set seq_id = {{first}} where seq_id = {{second}};
            update {S}.mt_events set seq_id = {{second}} where seq_id = -1;
            """);

        var (exit, output) = await rig.AuditAsync("verify");
        Assert.Equal(1, exit);
        var lines = ChainLines(output);
        Assert.Contains(lines, l => l.Contains($"event seq {first} (payment_settled") && l.Contains("edited or moved"));
        Assert.Contains(lines, l => l.Contains($"event seq {second} (payment_settled") && l.Contains("edited or moved"));
        Assert.Contains(lines, l => l.Contains("reordered"));
    }

    [Fact]
    public async Task A_chain_rewritten_from_the_start_is_found_by_a_kept_anchor()
    {
        await using var rig = await HistoryAsync("audit_tamper_rewrite");
        var (_, clean) = await rig.AuditAsync("verify");
        var anchor = clean.Split('\n').Single(l => l.StartsWith("chain head:")).Split("--anchor ")[1].Split(' ')[0];
        // Edit an amount and recompute every link after it, as a careful forger would (the formula is public).
        await rig.SqlAsync("update {S}.mt_events set data = jsonb_set(data, '{AmountAtomic}', '1') where type = 'payment_settled' and stream_id = 's1'");
        await rig.SqlAsync("""
            do $$ declare r record; prev text := repeat('0', 64); link text; begin
              for r in select * from {S}.mt_events where headers ? 'billing_chain' order by ((headers->'billing_chain')->>'n')::bigint loop
                link := encode(sha256(convert_to('mirrorstage-billing-chain-v1' || E'\n' || ((r.headers->'billing_chain')->>'n') || E'\n' || prev
                  || E'\n' || r.seq_id::text || E'\n' || r.id::text || E'\n' || r.stream_id || E'\n' || r.version::text || E'\n' || r.type
                  || E'\n' || trunc(extract(epoch from r.timestamp) * 1000000)::bigint::text || E'\n' || r.data::text, 'UTF8')), 'hex');
                update {S}.mt_events set headers = jsonb_set(jsonb_set(headers, '{billing_chain,prev}', to_jsonb(prev)), '{billing_chain,hash}', to_jsonb(link)) where seq_id = r.seq_id;
                prev := link;
              end loop;
              update {S}.billing_chain_head set hash = prev;
            end $$;
            """);

        var (_, rewritten) = await rig.AuditAsync("verify");
        Assert.Empty(ChainLines(rewritten)); // the forged chain is self-consistent: without an anchor the chain cannot tell
        var (exit, output) = await rig.AuditAsync("verify", "--anchor", anchor);
        Assert.Equal(1, exit);
        Assert.Contains("the chain was rewritten", Assert.Single(ChainLines(output)));
    }
}
