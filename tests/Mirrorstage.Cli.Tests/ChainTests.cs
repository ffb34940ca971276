using Mirrorstage.Cli.Tests.Support;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Tests;

/// <summary>The chain as the store makes it under load: the trigger links every billing event in the appending
/// transaction, and concurrent appends neither fork it, nor reorder it, nor deadlock.</summary>
public class ChainTests
{
    [Fact]
    public async Task Concurrent_billing_appends_on_many_streams_keep_one_unbroken_chain()
    {
        await using var rig = await AuditRig.CreateAsync("audit_chain_concurrent");
        var t = ScriptedHistory.T0;
        // Each task appends to its own session and, crossing the others, to one of two shared wallet streams.
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var wallet = i % 2 == 0 ? ScriptedHistory.A : ScriptedHistory.B;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await using var session = rig.Store.LightweightSession();
                    session.Events.StartStream<Session>("c" + i,
                        new SessionCreated("c" + i, "th", new ReferenceImage("r", "c", 512), "hls", null, 15, 1_000_000, wallet, t, 5),
                        new PaymentSettled("c" + i, "create", ScriptedHistory.Base, wallet, ScriptedHistory.Usdc, 1_000_000, "0xc" + i, "k" + i, t, ScriptedHistory.PayTo));
                    // Fetched for writing, so two grants to one wallet conflict and one retries (a plain Append would
                    // let the inline WalletBalance lose one of them: verify reports that as a wallets difference).
                    var credit = await session.Events.FetchForWriting<Wallet>(WalletAddress.StreamKey(wallet));
                    credit.AppendMany(WalletDecider.Grant(wallet, 1, "settled_but_not_recorded", "c" + i, null, t));
                    await session.SaveChangesAsync();
                    return;
                }
                catch (Exception e) when (attempt < 20 && e is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException or Marten.Exceptions.ExistingStreamIdCollisionException)
                {
                    // Two appends to the same wallet stream (or two starting it): the loser retries, as the gateway's callers do.
                }
            }
        })));

        Assert.Equal(72L, await rig.ScalarAsync<long>("select count(*) from {S}.mt_events where headers ? 'billing_chain'"));
        Assert.Equal(72L, await rig.ScalarAsync<long>("select n from {S}.billing_chain_head"));
        var (exit, output) = await rig.AuditAsync("verify");
        Assert.DoesNotContain("[chain]", output);
        Assert.Equal(0, exit);
    }
}
