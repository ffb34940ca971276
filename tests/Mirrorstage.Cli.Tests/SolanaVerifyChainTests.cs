using Mirrorstage.Cli.Tests.Chain;
using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Tests;

/// <summary>`mirrorstage audit verify-chain` against real transactions run by a Solana VM (litesvm), settled by the
/// official x402 SVM facilitator: the check reads getTransaction's token balances as the RPC records them.</summary>
public class SolanaVerifyChainTests(SolanaSettlements chain) : IClassFixture<SolanaSettlements>
{
    private PaymentSettled Recorded(string session, (string Payer, long Amount, string Transaction) settlement, long? amount = null) =>
        new(session, "create", chain.Network, settlement.Payer, chain.Mint, amount ?? settlement.Amount, settlement.Transaction,
            "key-" + session, ScriptedHistory.T0, chain.PayTo);

    [Fact]
    public async Task Real_solana_settlements_match_their_chain()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_svm_real");
        await Settled.RecordAsync(rig, chain.Settlements.Select((s, i) => Recorded("s" + i, s)).ToArray());

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{chain.Network}={chain.RpcUrl}");
        Assert.Empty(Settled.Lines(output));
        Assert.Contains("verify-chain: 4 settlement(s) match their chain, 0 difference(s)", output);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_larger_amount_a_wrong_payTo_a_wrong_payer_a_failed_and_an_unsent_transaction_are_named()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_svm_forged");
        var s = chain.Settlements;
        var otherPayer = s[0].Payer; // s[3] was paid by the other payer
        Assert.NotEqual(otherPayer, s[3].Payer);
        await Settled.RecordAsync(rig,
            Recorded("p1", s[0]),
            Recorded("p2", s[1], amount: 1_000_000), // 500,000 moved on chain
            Recorded("p3", s[2]) with { PayTo = s[1].Payer }, // recorded as paid to a wallet the transfer did not reach
            Recorded("p4", s[3]) with { Payer = otherPayer },
            Recorded("p5", chain.Failed),
            Recorded("p6", chain.Unsent));

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{chain.Network}={chain.RpcUrl}");
        Assert.Equal(1, exit);
        var lines = Settled.Lines(output);
        Assert.Contains(lines, l => l.Contains($"in {s[1].Transaction}") && l.Contains("mismatched: the payer sent 500000 and payTo received 500000"));
        Assert.Contains(lines, l => l.Contains($"in {s[2].Transaction}") && l.Contains("mismatched: the payer sent 2500000 and payTo received 0"));
        Assert.Contains(lines, l => l.Contains($"in {s[3].Transaction}") && l.Contains("mismatched: the payer sent 0 and payTo received 750000"));
        Assert.Contains(lines, l => l.Contains($"in {chain.Failed.Transaction}") && l.Contains("failed: the transaction is on chain but did not succeed"));
        Assert.Contains(lines, l => l.Contains($"in {chain.Unsent.Transaction}") && l.Contains("missing: the chain has no such transaction"));
        Assert.Equal(5, lines.Length);
        Assert.Contains("verify-chain: 1 settlement(s) match their chain, 5 difference(s)", output);
    }
}
