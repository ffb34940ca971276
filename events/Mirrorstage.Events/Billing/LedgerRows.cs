using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Billing;

/// <summary>The one mapping from a billing event to its ledger row, used by the inline projection and by the
/// audit's replay alike. Events that move no money give no row.</summary>
public static class LedgerRows
{
    public static BillingLedger? For(object data, Guid eventId, long sequence) => data switch
    {
        PaymentSettled e => new BillingLedger
        {
            Kind = LedgerKinds.Settlement, AmountAtomic = e.AmountAtomic, Network = e.Network, Asset = e.Asset,
            Wallet = WalletAddress.Normalize(e.Payer), Payer = e.Payer, PayTo = e.PayTo, Transaction = e.Transaction,
            SessionId = e.SessionId, Reason = e.Purpose, OccurredAt = e.SettledAt, Id = eventId, Sequence = sequence,
        },
        CreditGranted e => new BillingLedger
        {
            Kind = BillingEvents.RefundReasons.Contains(e.Reason) ? LedgerKinds.Refund : LedgerKinds.CreditGranted,
            AmountAtomic = -e.AmountAtomic, Wallet = e.Wallet, SessionId = e.SessionId, Reason = e.Reason,
            OccurredAt = e.GrantedAt, Id = eventId, Sequence = sequence,
        },
        CreditSpent e => new BillingLedger
        {
            Kind = LedgerKinds.CreditSpent, AmountAtomic = e.AmountAtomic, Wallet = e.Wallet, Payer = e.Wallet,
            SessionId = e.SessionId, Reason = e.Purpose, OccurredAt = e.SpentAt, Id = eventId, Sequence = sequence,
        },
        _ => null,
    };
}
