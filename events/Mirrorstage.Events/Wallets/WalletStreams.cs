using Marten;
using JasperFx.Events;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Events.Wallets;

/// <summary>The one way onto a wallet's stream: fetched for exclusive writing, so the stream is locked until the
/// transaction commits. Two writers crediting or spending one wallet at once then run one after the other.
/// A plain append would not be safe here: under concurrency one writer fails on the stream's version, and the
/// inline balance projection can lose another's amount.</summary>
public static class WalletStreams
{
    public static Task<IEventStream<Wallet>> FetchAsync(IDocumentSession session, string wallet, CancellationToken ct) =>
        session.Events.FetchForExclusiveWriting<Wallet>(WalletAddress.StreamKey(wallet), ct);

    /// <summary>Adds a grant to the session's transaction (nothing for a zero amount).</summary>
    public static async Task GrantAsync(IDocumentSession session, string wallet, long amountAtomic, string reason, string? sessionId, string? paymentKey,
        DateTimeOffset now, CancellationToken ct)
    {
        var events = WalletDecider.Grant(wallet, amountAtomic, reason, sessionId, paymentKey, now);
        if (events.Length == 0) return;
        var stream = await FetchAsync(session, wallet, ct);
        stream.AppendMany(events);
    }

    /// <summary>Adds a settlement that bought nothing and the credit it becomes to the session's transaction.</summary>
    public static async Task CreditSettlementAsync(IDocumentSession session, string wallet, SettledPayment payment, string purpose, string sessionId,
        string reason, DateTimeOffset now, CancellationToken ct)
    {
        var events = WalletDecider.CreditSettlement(wallet, payment, purpose, sessionId, reason, now);
        if (events.Length == 0) return;
        var stream = await FetchAsync(session, wallet, ct);
        stream.AppendMany(events);
    }
}
