namespace Mirrorstage.Events.Billing;

/// <summary>What a ledger row records. Sign convention (one for every row): AmountAtomic is what the row adds
/// to the wallet's net charge, i.e. what the operator has earned from it. A settlement (+) and a credit spent (+)
/// charge the wallet; a credit granted (-) and a refund (-) give value back as credit. So a wallet's rows sum to
/// what it was charged net of the credit it still holds, and a session's rows sum to what it cost.</summary>
public static class LedgerKinds
{
    /// <summary>USDC moved on chain from the payer to payTo.</summary>
    public const string Settlement = "settlement";
    /// <summary>Credit given for money that settled but bought nothing (e.g. the session could not be recorded).</summary>
    public const string CreditGranted = "credit_granted";
    /// <summary>Credit given back for a session (or extension) that was paid for and not served.</summary>
    public const string Refund = "refund";
    /// <summary>Credit the wallet used to pay for a session or an extension.</summary>
    public const string CreditSpent = "credit_spent";
}
