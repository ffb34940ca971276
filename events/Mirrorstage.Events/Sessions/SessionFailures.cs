using Marten;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Sessions;

/// <summary>Ends a session that could not be served and refunds what it owes as wallet credit: both facts in
/// one transaction, so the ending can never be recorded without its refund.</summary>
public static class SessionFailures
{
    /// <returns>The refunded amount (0 when nothing was owed or the session had already finished).</returns>
    /// <param name="onlyIf">Decided on the fresh state, inside the same optimistic append: a caller that chose
    /// the session from a query can make sure it is still as the query saw it.</param>
    public static Task<long> FailAsync(IDocumentStore store, string sessionId, string reason, DateTimeOffset now, CancellationToken ct,
        Func<Session, bool>? onlyIf = null) =>
        EndAsync(store, sessionId, s => onlyIf?.Invoke(s) == false ? [] : SessionDecider.Decide(s, new FailSession(reason, now)),
            s => SessionDecider.RefundOnFailure(s, now), SessionDecider.FailureRefundReason, now, ct);

    /// <summary>Gives up a live session whose worker was lost and that no worker resumed: it ends as
    /// "worker_lost" and the paid share of the time it had left goes back as credit.</summary>
    public static Task<long> AbandonLostAsync(IDocumentStore store, string sessionId, DateTimeOffset now, CancellationToken ct) =>
        EndAsync(store, sessionId, s => SessionDecider.Decide(s, new AbandonLostSession(now)),
            SessionDecider.RefundOnWorkerLost, _ => "session_worker_lost", now, ct);

    private static async Task<long> EndAsync(IDocumentStore store, string sessionId, Func<Session, object[]> decide,
        Func<Session, long> refundOf, Func<Session, string> reasonOf, DateTimeOffset now, CancellationToken ct)
    {
        (long Amount, string? Wallet) refund = (0, null);
        var refundReason = "";
        var ended = await SessionStreams.DecideAndAppendAsync(store, sessionId, state =>
        {
            var events = decide(state);
            refund = events.Length > 0 && state.Wallet is { } wallet && refundOf(state) is > 0 and var amount ? (amount, wallet) : (0, null);
            refundReason = reasonOf(state);
            return events;
        }, ct, alongside: async (session, _) =>
        {
            if (refund.Wallet is { } wallet) await WalletStreams.AppendAsync(session, wallet, WalletDecider.Grant(wallet, refund.Amount, refundReason, sessionId, null, now), ct);
        });
        return ended is { Length: > 0 } ? refund.Amount : 0;
    }
}
