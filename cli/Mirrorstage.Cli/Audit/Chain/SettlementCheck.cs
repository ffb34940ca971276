using System.Runtime.CompilerServices;
using Mirrorstage.Cli.Audit.Verify;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Audit.Chain;

/// <summary>Each settled payment against its chain: the transaction exists, succeeded, and moved exactly the
/// settled amount of that asset from the payer to payTo; and no transaction backs two settlements.</summary>
internal static class SettlementCheck
{
    public const string Name = "on-chain";

    public static async IAsyncEnumerable<Difference> RunAsync(AuditDatabase db, IReadOnlyDictionary<string, IChainReader> chains,
        Action<long>? read, Action<bool> counted, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = AuditDatabase.Schema;
        var type = db.Alias(typeof(PaymentSettled));
        var tx = db.JsonName(nameof(PaymentSettled.Transaction));
        var twice = RawEvent.RowsAsync(db.Source, $"""
            SELECT data ->> '{tx}', count(*), string_agg(seq_id::text, ', ' ORDER BY seq_id) FROM {s}.mt_events
            WHERE type = @type GROUP BY data ->> '{tx}' HAVING count(*) > 1 ORDER BY 1
            """, p => p.AddWithValue("type", type), r => (Tx: r.GetString(0), Count: r.GetInt64(1), Seqs: r.GetString(2)), ct);
        await foreach (var (transaction, count, seqs) in twice)
            yield return new Difference(Name, "transaction " + transaction, $"backs {count} settlements (event seq {seqs}): counted more than once");

        var n = 0L;
        var settlements = RawEvent.ReadAsync(db.Source, $"SELECT {RawEvent.Columns} FROM {s}.mt_events WHERE type = @type ORDER BY seq_id",
            p => p.AddWithValue("type", type), ct);
        await foreach (var e in settlements)
        {
            read?.Invoke(++n);
            var payment = (PaymentSettled)db.Deserialize(e);
            var subject = $"{e.Name}: {payment.AmountAtomic} of {payment.Asset} from {payment.Payer} to {payment.PayTo ?? "?"} in {payment.Transaction} on {payment.Network}";
            var problem = await ProblemAsync(chains, payment, ct);
            counted(problem is null);
            if (problem is not null) yield return new Difference(Name, subject, problem);
        }
    }

    private static async Task<string?> ProblemAsync(IReadOnlyDictionary<string, IChainReader> chains, PaymentSettled p, CancellationToken ct)
    {
        if (!chains.TryGetValue(p.Network, out var chain)) return $"not checked: no --rpc given for {p.Network}";
        if (p.PayTo is null) return "not checked: the settlement does not record payTo (recorded before it was)";
        ChainTransfer found;
        try
        {
            found = await chain.ReadAsync(p, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"not checked: the RPC failed ({e.Message})";
        }
        if (!found.Exists) return "missing: the chain has no such transaction";
        if (!found.Succeeded) return "failed: the transaction is on chain but did not succeed";
        if (found.PayerSent != p.AmountAtomic || found.PayToReceived != p.AmountAtomic)
            return $"mismatched: the payer sent {found.PayerSent} and payTo received {found.PayToReceived} of that asset in it";
        return null;
    }
}
