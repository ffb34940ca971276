using Marten;
using JasperFx.Events;

namespace Mirrorstage.Events.Wallets;

/// <summary>The one way onto a wallet's stream: fetched for exclusive writing, so the stream is locked until the
/// transaction commits. Two writers crediting or spending one wallet at once then run one after the other.
/// A plain append would not be safe here: under concurrency one writer fails on the stream's version, and the
/// inline balance projection can lose another's amount.</summary>
public static class WalletStreams
{
    public static Task<IEventStream<Wallet>> FetchAsync(IDocumentSession session, string wallet, CancellationToken ct) =>
        session.Events.FetchForExclusiveWriting<Wallet>(WalletAddress.StreamKey(wallet), ct);

    /// <summary>Adds what a wallet decision gave (WalletDecider.Grant, CreditSettlement) to the session's
    /// transaction, under the stream's lock; nothing when it gave nothing.</summary>
    public static async Task AppendAsync(IDocumentSession session, string wallet, object[] events, CancellationToken ct)
    {
        if (events.Length == 0) return;
        var stream = await FetchAsync(session, wallet, ct);
        stream.AppendMany(events);
    }
}
