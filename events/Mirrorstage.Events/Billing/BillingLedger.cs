using JasperFx.Events;
using Marten.Events.Projections;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Billing;

/// <summary>One row per money movement, keyed by the event that recorded it, so replays are idempotent.
/// AmountAtomic follows LedgerKinds' sign convention. Credit rows have no network, asset, payTo or transaction:
/// credit is held in USDC atomic units, whichever network paid it.</summary>
public sealed class BillingLedger
{
    public Guid Id { get; set; }
    /// <summary>The event's global sequence number. 0 in the stored projection: Marten's quick appends number
    /// events after inline projections have run. The audit's replay fills it in.</summary>
    public long Sequence { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string Kind { get; set; } = "";
    public string? Network { get; set; }
    public string? Asset { get; set; }
    public long AmountAtomic { get; set; }
    public string Wallet { get; set; } = "";
    public string? Payer { get; set; }
    public string? PayTo { get; set; }
    public string? Transaction { get; set; }
    public string? SessionId { get; set; }
    /// <summary>Purpose of a payment or a spend (create, extend), or the reason a credit was granted.</summary>
    public string? Reason { get; set; }
}

/// <summary>The inline projection: the same rows the audit replays, written as each event is appended.</summary>
public partial class BillingLedgerProjection : EventProjection
{
    public BillingLedger Create(IEvent<PaymentSettled> e) => LedgerRows.For(e.Data, e.Id, e.Sequence)!;

    public BillingLedger Create(IEvent<CreditGranted> e) => LedgerRows.For(e.Data, e.Id, e.Sequence)!;

    public BillingLedger Create(IEvent<CreditSpent> e) => LedgerRows.For(e.Data, e.Id, e.Sequence)!;
}
