using JasperFx.Events;
using Marten.Events.Projections;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Billing;

/// <summary>One row per money movement, keyed by the event that recorded it, so replays are idempotent.</summary>
public sealed class BillingLedger
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string? SessionId { get; set; }
    public string? Wallet { get; set; }
    public string? Network { get; set; }
    public string? Transaction { get; set; }
    public string? Purpose { get; set; }
    public long AmountAtomic { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public long Sequence { get; set; }
}

public partial class BillingLedgerProjection : EventProjection
{
    public BillingLedger Create(IEvent<PaymentSettled> e) => Row(e, "payment_settled", e.Data.SessionId, e.Data.Payer, e.Data.AmountAtomic, e.Data.SettledAt, e.Data.Purpose, e.Data.Network, e.Data.Transaction);

    public BillingLedger Create(IEvent<CreditsSpent> e) => Row(e, "session_paid_with_credits", e.Data.SessionId, e.Data.Wallet, e.Data.AmountAtomic, e.Data.SpentAt, e.Data.Purpose);

    public BillingLedger Create(IEvent<CreditGranted> e) => Row(e, "credit_granted", e.Data.SessionId, e.Data.Wallet, e.Data.AmountAtomic, e.Data.GrantedAt, e.Data.Reason);

    public BillingLedger Create(IEvent<CreditSpent> e) => Row(e, "credit_spent", e.Data.SessionId, e.Data.Wallet, -e.Data.AmountAtomic, e.Data.SpentAt, e.Data.Purpose);

    private static BillingLedger Row(IEvent e, string kind, string? sessionId, string? wallet, long amount, DateTimeOffset at,
        string? purpose, string? network = null, string? transaction = null) => new()
    {
        Id = e.Id,
        Kind = kind,
        SessionId = sessionId,
        Wallet = wallet,
        Network = network,
        Transaction = transaction,
        Purpose = purpose,
        AmountAtomic = amount,
        OccurredAt = at,
        Sequence = e.Sequence,
    };
}
