using System.Runtime.CompilerServices;
using Mirrorstage.Events.Billing;

namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>Walks the billing chain in link order and recomputes every link: an edited event no longer hashes to
/// its link, a deleted one leaves a gap in the positions, an inserted one has no link (or a position taken
/// twice, or sits out of append order), a reordered pair breaks the append order and both links.</summary>
internal static class ChainCheck
{
    public const string Name = "chain";

    /// <param name="anchors">Links kept outside the database from an earlier audit (position, hash): a chain
    /// rewritten from its start must still pass through them.</param>
    public static async IAsyncEnumerable<Difference> RunAsync(AuditDatabase db, IReadOnlyDictionary<long, string> anchors,
        Action<long>? read, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = AuditDatabase.Schema;
        var unchained = $"""
            SELECT {RawEvent.Columns} FROM {s}.mt_events
            WHERE type = ANY(@types) AND NOT coalesce(headers ? '{BillingChain.Header}', false) ORDER BY seq_id
            """;
        await foreach (var e in RawEvent.ReadAsync(db.Source, unchained, p => p.AddWithValue("types", db.Aliases(BillingEvents.All)), ct))
            yield return new Difference(Name, e.Name, "a billing event without a chain link: it was not appended through the store (inserted by hand?)");

        var linked = $"""
            SELECT {RawEvent.Columns} FROM {s}.mt_events WHERE headers ? '{BillingChain.Header}'
            ORDER BY ((headers -> '{BillingChain.Header}') ->> 'n')::bigint, seq_id
            """;
        var (expected, prevHash, prevSeq, prevName, count) = (1L, BillingChain.Genesis, 0L, "the start of the chain", 0L);
        await foreach (var e in RawEvent.ReadAsync(db.Source, linked, null, ct))
        {
            if (++count % 4096 == 0) read?.Invoke(count);
            var n = e.ChainN!.Value;
            if (n < expected)
                yield return new Difference(Name, e.Name, $"a second event at chain position {n}: inserted");
            else if (n > expected)
                yield return new Difference(Name, e.Name, n == expected + 1
                    ? $"chain position {expected}, between {prevName} and this one, is missing: deleted"
                    : $"chain positions {expected} to {n - 1}, between {prevName} and this one, are missing: deleted");
            else if (e.ChainPrev != prevHash)
                yield return new Difference(Name, e.Name, $"its link names a predecessor hashing to {e.ChainPrev}, but {prevName} hashes to {prevHash}: the predecessor was replaced");
            var link = BillingChain.Link(n, e.ChainPrev ?? "", e.Seq, e.Id, e.StreamId, e.Version, e.Type, e.Timestamp, e.Data);
            if (link != e.ChainHash)
                yield return new Difference(Name, e.Name, "its content, position or stream no longer hashes to its link: edited or moved");
            if (e.Seq < prevSeq)
                yield return new Difference(Name, e.Name, $"appended before {prevName} but linked after it: reordered");
            if (anchors.TryGetValue(n, out var anchor) && anchor != e.ChainHash)
                yield return new Difference(Name, e.Name, $"the kept anchor says chain position {n} hashes to {anchor}: the chain was rewritten");
            (expected, prevHash, prevSeq, prevName) = (Math.Max(expected, n + 1), e.ChainHash ?? "", Math.Max(prevSeq, e.Seq), e.Name);
        }
        read?.Invoke(count);

        var (headN, headHash) = await HeadAsync(db, ct);
        if (headN != expected - 1 || (headN > 0 && headHash != prevHash))
            yield return new Difference(Name, "the chain's head", $"records position {headN} ({headHash}) but the last linked event is {prevName}: events at the end were deleted");
        foreach (var (n, _) in anchors.Where(a => a.Key >= expected))
            yield return new Difference(Name, $"anchor at chain position {n}", "no event holds that position any more: deleted");
    }

    public static async Task<(long N, string Hash)> HeadAsync(AuditDatabase db, CancellationToken ct)
    {
        await using var command = db.Source.CreateCommand($"SELECT n, hash FROM {AuditDatabase.Schema}.billing_chain_head WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : (0, BillingChain.Genesis);
    }
}
