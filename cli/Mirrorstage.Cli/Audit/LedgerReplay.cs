using System.Runtime.CompilerServices;
using Mirrorstage.Events.Billing;
using Mirrorstage.Events.Wallets;
using Npgsql;

namespace Mirrorstage.Cli.Audit;

/// <summary>Which rows of the replayed ledger an auditor asked for. Dates are UTC; To is exclusive.</summary>
internal sealed record ReplayFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Wallet = null, string? Session = null)
{
    public bool Keeps(BillingLedger row) =>
        (From is null || row.OccurredAt >= From) && (To is null || row.OccurredAt < To)
        && (Wallet is null || row.Wallet == WalletAddress.Normalize(Wallet))
        && (Session is null || row.SessionId == Session);
}

/// <summary>Rebuilds the billing ledger from the raw events, in the order they were appended: never from the
/// stored projections. Streams: one event in memory at a time.</summary>
internal static class LedgerReplay
{
    // Only what a row needs.
    private static readonly string Query =
        $"SELECT seq_id, id, type, data::text FROM {AuditDatabase.Schema}.mt_events WHERE type = ANY(@types) ORDER BY seq_id";

    public static async Task<long> CountAsync(AuditDatabase db, CancellationToken ct)
    {
        await using var command = db.Source.CreateCommand($"SELECT count(*) FROM {AuditDatabase.Schema}.mt_events WHERE type = ANY(@types)");
        command.Parameters.AddWithValue("types", db.Aliases(BillingEvents.MoneyMovements));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <param name="read">Called with the number of events read so far, every few thousand events.</param>
    public static async IAsyncEnumerable<BillingLedger> RowsAsync(AuditDatabase db, ReplayFilter filter, Action<long>? read,
        [EnumeratorCancellation] CancellationToken ct)
    {
        long count = 0;
        var rows = RawEvent.RowsAsync(db.Source, Query, p => p.AddWithValue("types", db.Aliases(BillingEvents.MoneyMovements)),
            r =>
            {
                var (seq, id, type) = (r.GetInt64(0), r.GetGuid(1), r.GetString(2)); // in column order: the reader is sequential
                return LedgerRows.For(db.Deserialize(type, r.GetString(3)), id, seq);
            }, ct);
        await foreach (var row in rows)
        {
            if (++count % 4096 == 0) read?.Invoke(count);
            if (row is not null && filter.Keeps(row)) yield return row;
        }
        read?.Invoke(count);
    }
}
