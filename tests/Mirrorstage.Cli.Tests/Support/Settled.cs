using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Tests.Support;

/// <summary>Settlements recorded in the store as the gateway records them (one session stream each), and the
/// differences `verify-chain` prints about them.</summary>
internal static class Settled
{
    public static async Task RecordAsync(AuditRig rig, params PaymentSettled[] payments)
    {
        await using var session = rig.Store.LightweightSession();
        foreach (var p in payments) session.Events.StartStream<Session>(p.SessionId, p);
        await session.SaveChangesAsync();
    }

    public static string[] Lines(string output) => output.Split('\n').Where(l => l.StartsWith("[on-chain]")).ToArray();
}
