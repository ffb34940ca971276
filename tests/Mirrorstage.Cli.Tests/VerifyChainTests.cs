using Mirrorstage.Cli.Tests.Chain;
using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Tests;

/// <summary>`mirrorstage audit verify-chain` against real transactions on anvil, settled by the official x402
/// facilitator (Solana: SolanaVerifyChainTests).</summary>
public class VerifyChainTests(AnvilSettlements chain) : IClassFixture<AnvilSettlements>
{
    private const string Anvil = "eip155:31337";

    private PaymentSettled Recorded(string session, int settlement, long? amount = null, string? transaction = null)
    {
        var (payer, moved, tx) = chain.Settlements[settlement];
        return new PaymentSettled(session, "create", Anvil, payer, chain.Token, amount ?? moved, transaction ?? tx, "key-" + session,
            ScriptedHistory.T0, chain.PayTo);
    }

    [Fact]
    public async Task Real_settlements_match_their_chain()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_real");
        await Settled.RecordAsync(rig, Recorded("p1", 0), Recorded("p2", 1), Recorded("p3", 2));

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{Anvil}={chain.RpcUrl}");
        Assert.Empty(Settled.Lines(output));
        Assert.Contains("verify-chain: 3 settlement(s) match their chain, 0 difference(s)", output);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Settlements_that_bought_credit_are_checked_like_any_other()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_credited");
        const string forged = "0x2222222222222222222222222222222222222222222222222222222222222222";
        await Settled.CreditedAsync(rig, Recorded("p1", 0), Recorded("p2", 1), Recorded("p3", 2, transaction: forged));

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{Anvil}={chain.RpcUrl}");
        Assert.Equal(1, exit);
        Assert.Contains("in " + forged, Assert.Single(Settled.Lines(output)));
        Assert.Contains("verify-chain: 2 settlement(s) match their chain, 1 difference(s)", output);
        var (verified, books) = await rig.AuditAsync("verify");
        Assert.True(verified == 0, books); // each is its credit: nothing missing on the books
    }

    [Fact]
    public async Task A_forged_hash_a_wrong_amount_a_wrong_recipient_and_a_reverted_transaction_are_named()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_forged");
        const string forged = "0x1111111111111111111111111111111111111111111111111111111111111111";
        await Settled.RecordAsync(rig,
            Recorded("p1", 0),
            Recorded("p2", 1, amount: 1_000_000), // 500,000 moved on chain
            Recorded("p3", 2, transaction: forged),
            Recorded("p4", 0) with { PayTo = chain.Settlements[1].Payer }, // the transfer went elsewhere
            Recorded("p5", 0) with { Payer = chain.Reverted.Payer, Transaction = chain.Reverted.Transaction }); // mined, reverted

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{Anvil}={chain.RpcUrl}");
        Assert.Equal(1, exit);
        var lines = Settled.Lines(output);
        Assert.Contains(lines, l => l.Contains($"in {chain.Settlements[1].Transaction}") && l.Contains("mismatched: the payer sent 500000 and payTo received 500000"));
        Assert.Contains(lines, l => l.Contains($"in {forged}") && l.Contains("missing: the chain has no such transaction"));
        Assert.Contains(lines, l => l.Contains($"to {chain.Settlements[1].Payer}") && l.Contains("mismatched: the payer sent 0 and payTo received 0"));
        Assert.Contains(lines, l => l.Contains($"transaction {chain.Settlements[0].Transaction}") && l.Contains("backs 2 settlements"));
        Assert.Contains(lines, l => l.Contains($"in {chain.Reverted.Transaction}") && l.Contains("failed: the transaction is on chain but did not succeed"));
        Assert.Equal(5, lines.Length);
        Assert.Contains("verify-chain: 1 settlement(s) match their chain, 5 difference(s)", output);
    }
}
