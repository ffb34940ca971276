using System.Runtime.CompilerServices;
using Mirrorstage.Events.Billing;

namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>The replayed ledger against the stored one (the inline projection), row by row, joined on the event
/// id by PostgreSQL: a stored row that is missing, extra, or differs in any column but the sequence (Marten's
/// quick appends number events after inline projections ran, so the stored rows hold 0 there).</summary>
internal static class LedgerCheck
{
    public const string Name = "ledger";

    public static async IAsyncEnumerable<Difference> RunAsync(AuditDatabase db, Action<long>? read, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = AuditDatabase.Schema;
        var sql = $"""
            SELECT {RawEvent.ColumnsOf("e.")}, d.id, d.data::text
            FROM (SELECT * FROM {s}.mt_events WHERE type = ANY(@types)) e
            FULL OUTER JOIN {s}.mt_doc_billingledger d ON d.id = e.id
            ORDER BY e.seq_id NULLS LAST, d.id
            """;
        var count = 0L;
        var rows = RawEvent.RowsAsync(db.Source, sql, p => p.AddWithValue("types", db.Aliases(BillingEvents.MoneyMovements)),
            r => (Event: r.IsDBNull(0) ? null : RawEvent.From(r), Stored: r.IsDBNull(RawEvent.ColumnCount) ? null : db.Document<BillingLedger>(r.GetString(RawEvent.ColumnCount + 1))), ct);
        await foreach (var (e, stored) in rows)
        {
            if (++count % 4096 == 0) read?.Invoke(count);
            var replayed = e is null ? null : LedgerRows.For(db.Deserialize(e), e.Id, e.Seq);
            if (replayed is null && stored is not null)
                yield return new Difference(Name, $"stored row for event {stored.Id} (seq {stored.Sequence}, {stored.Kind} {stored.AmountAtomic})",
                    e is null ? "its event is gone: deleted" : "its event moves no money");
            else if (replayed is not null && stored is null)
                yield return new Difference(Name, e!.Name, $"{replayed.Kind} {replayed.AmountAtomic} has no stored ledger row: appended outside the store, or the row was deleted");
            else if (replayed is not null && stored is not null)
            {
                var differing = LedgerColumns.All.Where(c => c.Name != "sequence" && c.Value(replayed) != c.Value(stored))
                    .Select(c => $"{c.Name} replayed {c.Value(replayed) ?? "null"}, stored {c.Value(stored) ?? "null"}").ToList();
                if (differing.Count > 0) yield return new Difference(Name, e!.Name, string.Join("; ", differing));
            }
        }
        read?.Invoke(count);
    }
}
