using Mirrorstage.Cli.Tests.Chain;
using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Tests;

/// <summary>`mirrorstage audit verify-chain` against real transactions on anvil, settled by the official x402
/// facilitator, and against recorded Solana getTransaction answers.</summary>
public class VerifyChainTests(AnvilSettlements chain) : IClassFixture<AnvilSettlements>
{
    private const string Anvil = "eip155:31337";
    private const string Solana = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
    private const string SolanaUsdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
    private const string SolanaGood = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";
    private const string SolanaFailed = "3fAiLeD9xvRk8Ej5bS2qQvQ2nLr4o6Wq1KZ9cT7yPpVb8mHn6sDgLk2eAa5uXwYzRt4vBn7CqJs9dFh3GkMpNoPq";

    private static async Task RecordAsync(AuditRig rig, params PaymentSettled[] payments)
    {
        await using var session = rig.Store.LightweightSession();
        foreach (var p in payments) session.Events.StartStream<Session>(p.SessionId, p);
        await session.SaveChangesAsync();
    }

    private PaymentSettled Recorded(string session, int settlement, long? amount = null, string? transaction = null)
    {
        var (payer, moved, tx) = chain.Settlements[settlement];
        return new PaymentSettled(session, "create", Anvil, payer, chain.Token, amount ?? moved, transaction ?? tx, "key-" + session,
            ScriptedHistory.T0, chain.PayTo);
    }

    private static string[] Lines(string output) => output.Split('\n').Where(l => l.StartsWith("[on-chain]")).ToArray();

    [Fact]
    public async Task Real_settlements_match_their_chain()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_real");
        await RecordAsync(rig, Recorded("p1", 0), Recorded("p2", 1), Recorded("p3", 2));

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{Anvil}={chain.RpcUrl}");
        Assert.Empty(Lines(output));
        Assert.Contains("verify-chain: 3 settlement(s) match their chain, 0 difference(s)", output);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_forged_hash_a_wrong_amount_a_wrong_recipient_and_a_reverted_transaction_are_named()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_forged");
        const string forged = "0x1111111111111111111111111111111111111111111111111111111111111111";
        await RecordAsync(rig,
            Recorded("p1", 0),
            Recorded("p2", 1, amount: 1_000_000), // 500,000 moved on chain
            Recorded("p3", 2, transaction: forged),
            Recorded("p4", 0) with { PayTo = chain.Settlements[1].Payer }, // the transfer went elsewhere
            Recorded("p5", 0) with { Payer = chain.Reverted.Payer, Transaction = chain.Reverted.Transaction }); // mined, reverted

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{Anvil}={chain.RpcUrl}");
        Assert.Equal(1, exit);
        var lines = Lines(output);
        Assert.Contains(lines, l => l.Contains($"in {chain.Settlements[1].Transaction}") && l.Contains("mismatched: the payer sent 500000 and payTo received 500000"));
        Assert.Contains(lines, l => l.Contains($"in {forged}") && l.Contains("missing: the chain has no such transaction"));
        Assert.Contains(lines, l => l.Contains($"to {chain.Settlements[1].Payer}") && l.Contains("mismatched: the payer sent 0 and payTo received 0"));
        Assert.Contains(lines, l => l.Contains($"transaction {chain.Settlements[0].Transaction}") && l.Contains("backs 2 settlements"));
        Assert.Contains(lines, l => l.Contains($"in {chain.Reverted.Transaction}") && l.Contains("failed: the transaction is on chain but did not succeed"));
        Assert.Equal(5, lines.Length);
        Assert.Contains("verify-chain: 1 settlement(s) match their chain, 5 difference(s)", output);
    }

    [Fact]
    public async Task Solana_settlements_are_read_from_getTransaction_balances()
    {
        using var rpc = new RecordedSolanaRpc();
        await using var rig = await AuditRig.CreateAsync("audit_chain_solana");
        PaymentSettled Sol(string session, long amount, string tx) => new(session, "create", Solana,
            "Payer11111111111111111111111111111111111111", SolanaUsdc, amount, tx, "key-" + session, ScriptedHistory.T0, "PayTo11111111111111111111111111111111111111");
        await RecordAsync(rig,
            Sol("s1", 1_000_000, SolanaGood),
            Sol("s2", 2_000_000, SolanaGood), // the same signature claimed again, for more than it moved
            Sol("s3", 1_000_000, SolanaFailed),
            Sol("s4", 1_000_000, "4NoSuchSignature1111111111111111111111111111111111111111111111111111111111111111111111"));

        var (exit, output) = await rig.AuditAsync("verify-chain", "--rpc", $"{Solana}={rpc.Url}");
        Assert.Equal(1, exit);
        var lines = Lines(output);
        Assert.DoesNotContain(lines, l => l.Contains(" on s1 v1"));
        Assert.Contains(lines, l => l.Contains("2000000 of") && l.Contains("mismatched: the payer sent 1000000 and payTo received 1000000"));
        Assert.Contains(lines, l => l.Contains($"in {SolanaFailed}") && l.Contains("failed: the transaction is on chain but did not succeed"));
        Assert.Contains(lines, l => l.Contains("4NoSuchSignature") && l.Contains("missing"));
        Assert.Contains(lines, l => l.Contains($"transaction {SolanaGood}") && l.Contains("backs 2 settlements"));
        Assert.Contains("verify-chain: 1 settlement(s) match their chain, 4 difference(s)", output);
    }
}
