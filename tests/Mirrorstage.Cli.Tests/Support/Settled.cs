using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Tests.Support;

/// <summary>Settlements recorded in the store as the gateway records them (one session stream each, or beside their
/// credit on the wallet's stream), and the differences `verify-chain` prints about them.</summary>
internal static class Settled
{
    public static async Task RecordAsync(AuditRig rig, params PaymentSettled[] payments)
    {
        await using var session = rig.Store.LightweightSession();
        foreach (var p in payments) session.Events.StartStream<Session>(p.SessionId, p);
        await session.SaveChangesAsync();
    }

    /// <summary>Payments that bought nothing, recorded as the gateway records them: the settlement and its credit on the payer's wallet stream.</summary>
    public static async Task CreditedAsync(AuditRig rig, params PaymentSettled[] payments)
    {
        await using var session = rig.Store.LightweightSession();
        foreach (var p in payments)
            await WalletStreams.AppendAsync(session, p.Payer, WalletDecider.CreditSettlement(p.Payer,
                new SettledPayment(p.Network, p.Payer, p.Asset, p.AmountAtomic, p.Transaction, p.PaymentKey, p.PayTo),
                p.Purpose, p.SessionId, "create_not_servable", p.SettledAt), CancellationToken.None);
        await session.SaveChangesAsync();
    }

    public static string[] Lines(string output) => output.Split('\n').Where(l => l.StartsWith("[on-chain]")).ToArray();
}
