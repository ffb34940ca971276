using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Billing;

/// <summary>The one list of billing events. Every event here is hash-chained when appended (BillingChain)
/// and replayed by the audit. A new event that moves money goes into MoneyMovements and gets its row in
/// LedgerRows.For; one that money is computed from (prices, times a refund depends on) goes into Facts.</summary>
public static class BillingEvents
{
    /// <summary>Each of these is one row of the ledger.</summary>
    public static readonly Type[] MoneyMovements = [typeof(PaymentSettled), typeof(CreditGranted), typeof(CreditSpent)];

    /// <summary>What the amounts are checked against: prices, the session-side record of a credit payment, and
    /// the times a refund is computed from.</summary>
    public static readonly Type[] Facts =
    [
        typeof(SessionCreated), typeof(SessionExtended), typeof(CreditsSpent), typeof(SessionActivated),
        typeof(SessionInterrupted), typeof(SessionResumed), typeof(SessionEnded), typeof(SessionFailed),
    ];

    public static IReadOnlyList<Type> All { get; } = [.. MoneyMovements, .. Facts];

    /// <summary>CreditGranted reasons that give back money paid for a session (ledger kind "refund"); any
    /// other reason keeps money that bought nothing (kind "credit_granted").</summary>
    public static readonly IReadOnlySet<string> RefundReasons = new HashSet<string>
    {
        "session_failed_before_live",
        "session_failed_after_live",
        "session_worker_lost",
    };
}
