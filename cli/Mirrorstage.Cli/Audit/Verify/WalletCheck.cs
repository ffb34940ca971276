using System.Runtime.CompilerServices;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>Each wallet's credit replayed from its stream against the stored WalletBalance projection.</summary>
internal static class WalletCheck
{
    public const string Name = "wallets";

    private sealed record Replayed(long Granted, long Spent)
    {
        public long Balance => Granted - Spent;
    }

    public static async IAsyncEnumerable<Difference> RunAsync(AuditDatabase db, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = AuditDatabase.Schema;
        var events = RawEvent.ReadAsync(db.Source,
            $"SELECT {RawEvent.Columns} FROM {s}.mt_events WHERE type = ANY(@types) ORDER BY stream_id COLLATE \"C\", version",
            p => p.AddWithValue("types", db.Aliases([typeof(CreditGranted), typeof(CreditSpent)])), ct);
        var replayed = Replay(db, SortedMerge.GroupAsync(events, e => e.StreamId, ct), ct);
        var stored = RawEvent.RowsAsync(db.Source, $"SELECT id, data::text FROM {s}.mt_doc_walletbalance ORDER BY id COLLATE \"C\"", null,
            r => (r.GetString(0), db.Document<WalletBalance>(r.GetString(1))), ct);

        await foreach (var (wallet, mine, theirs) in SortedMerge.JoinAsync(replayed, stored, ct))
        {
            if (theirs is null)
                yield return new Difference(Name, wallet, $"replayed balance {mine!.Balance} has no stored WalletBalance");
            else if (mine is null)
                yield return new Difference(Name, wallet, $"stored balance {theirs.BalanceAtomic} has no credit events: they were deleted");
            else if ((mine.Granted, mine.Spent, mine.Balance) != (theirs.GrantedAtomic, theirs.SpentAtomic, theirs.BalanceAtomic))
                yield return new Difference(Name, wallet,
                    $"replayed granted {mine.Granted}, spent {mine.Spent}, balance {mine.Balance}; stored granted {theirs.GrantedAtomic}, spent {theirs.SpentAtomic}, balance {theirs.BalanceAtomic}");
        }
    }

    private static async IAsyncEnumerable<(string, Replayed)> Replay(AuditDatabase db, IAsyncEnumerable<(string Key, List<RawEvent> Items)> wallets,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (stream, items) in wallets.WithCancellation(ct))
        {
            var (granted, spent) = (0L, 0L);
            foreach (var e in items)
            {
                switch (db.Deserialize(e))
                {
                    case CreditGranted g: granted += g.AmountAtomic; break;
                    case CreditSpent x: spent += x.AmountAtomic; break;
                }
            }
            yield return (stream, new Replayed(granted, spent));
        }
    }
}
