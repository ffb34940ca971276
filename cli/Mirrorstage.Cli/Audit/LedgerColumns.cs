using System.Globalization;
using Mirrorstage.Events.Billing;

namespace Mirrorstage.Cli.Audit;

/// <summary>The ledger's columns, named once for every output format (README: "For auditors").</summary>
internal static class LedgerColumns
{
    public const string SignConvention =
        "amount_atomic is what the row adds to the wallet's net charge: settlement and credit_spent positive, " +
        "credit_granted and refund negative; a session's rows sum to what it cost, a wallet's to what it was charged " +
        "net of the credit it still holds. Atomic units of USDC (6 decimals).";

    public static readonly (string Name, Func<BillingLedger, string?> Value)[] All =
    [
        ("sequence", r => r.Sequence.ToString(CultureInfo.InvariantCulture)),
        ("occurred_at", r => Timestamp(r.OccurredAt)),
        ("kind", r => r.Kind),
        ("amount_atomic", r => r.AmountAtomic.ToString(CultureInfo.InvariantCulture)),
        ("network", r => r.Network),
        ("asset", r => r.Asset),
        ("payer", r => r.Payer),
        ("pay_to", r => r.PayTo),
        ("transaction", r => r.Transaction),
        ("session_id", r => r.SessionId),
        ("wallet", r => r.Wallet),
        ("reason", r => r.Reason),
        ("event_id", r => r.Id.ToString("D")),
    ];

    public static readonly (string Name, Func<LedgerTotals, long> Value)[] Totals =
    [
        ("rows", t => t.Rows), ("settled", t => t.Settled), ("credit_granted", t => t.CreditGranted),
        ("refunded", t => t.Refunded), ("credit_spent", t => t.CreditSpent), ("credit_held", t => t.CreditHeld), ("net", t => t.Net),
    ];

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Summary rows: scope (all, wallet, day), key, then the totals.</summary>
    public static IEnumerable<(string Scope, string Key, LedgerTotals Totals)> SummaryRows(LedgerSummary s) =>
        new[] { ("all", "", s.All) }
            .Concat(s.Wallets.Select(w => ("wallet", w.Key, w.Value)))
            .Concat(s.Days.Select(d => ("day", d.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Value)));
}
