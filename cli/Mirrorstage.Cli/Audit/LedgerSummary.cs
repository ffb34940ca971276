using Mirrorstage.Events.Billing;

namespace Mirrorstage.Cli.Audit;

/// <summary>Totals of one wallet or one day, in atomic units. Net follows the ledger's sign convention (the sum of
/// the rows); the other columns are unsigned magnitudes by kind.</summary>
internal sealed class LedgerTotals
{
    public long Rows { get; private set; }
    public long Settled { get; private set; }
    public long CreditGranted { get; private set; }
    public long Refunded { get; private set; }
    public long CreditSpent { get; private set; }
    public long Net { get; private set; }
    /// <summary>Credit granted or refunded and not yet spent.</summary>
    public long CreditHeld => CreditGranted + Refunded - CreditSpent;

    public void Add(BillingLedger row)
    {
        Rows++;
        Net += row.AmountAtomic;
        switch (row.Kind)
        {
            case LedgerKinds.Settlement: Settled += row.AmountAtomic; break;
            case LedgerKinds.CreditGranted: CreditGranted -= row.AmountAtomic; break;
            case LedgerKinds.Refund: Refunded -= row.AmountAtomic; break;
            case LedgerKinds.CreditSpent: CreditSpent += row.AmountAtomic; break;
        }
    }
}

/// <summary>The per-wallet and per-day summary. Its size grows with wallets and days, not with events.</summary>
internal sealed class LedgerSummary
{
    public SortedDictionary<string, LedgerTotals> Wallets { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<DateOnly, LedgerTotals> Days { get; } = new();
    public LedgerTotals All { get; } = new();

    public void Add(BillingLedger row)
    {
        All.Add(row);
        Get(Wallets, row.Wallet).Add(row);
        Get(Days, DateOnly.FromDateTime(row.OccurredAt.UtcDateTime)).Add(row);
    }

    private static LedgerTotals Get<TKey>(SortedDictionary<TKey, LedgerTotals> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var totals)) map[key] = totals = new LedgerTotals();
        return totals;
    }
}
