using Marten;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Sessions;

/// <summary>Fails a session and, when it never went live, refunds its wallet in full as credit: both facts in
/// one transaction, so a failure can never be recorded without its refund.</summary>
public static class SessionFailures
{
    /// <returns>The refunded amount (0 when nothing was owed or the session had already finished).</returns>
    public static async Task<long> FailAsync(IDocumentStore store, string sessionId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Session>(sessionId, ct);
        if (stream.Aggregate is not { } state) return 0;
        var events = SessionDecider.Decide(state, new FailSession(reason, now));
        if (events.Length == 0) return 0;
        stream.AppendMany(events);

        var refund = SessionDecider.RefundOnFailure(state);
        if (refund > 0 && state.Wallet is { } wallet)
            session.Events.Append(WalletAddress.StreamKey(wallet), WalletDecider.Grant(wallet, refund, "session_failed_before_live", sessionId, null, now));
        else refund = 0;
        await session.SaveChangesAsync(ct);
        return refund;
    }
}
