using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Events.Wallets;

/// <summary>A wallet's credit as decisions see it.</summary>
public sealed record Wallet(string Id, string Address, long BalanceAtomic)
{
    public static Wallet Empty(string address) => new(WalletAddress.StreamKey(address), WalletAddress.Normalize(address), 0);

    public static Wallet When(Wallet state, object @event) => @event switch
    {
        CreditGranted e => state with { BalanceAtomic = state.BalanceAtomic + e.AmountAtomic },
        CreditSpent e => state with { BalanceAtomic = state.BalanceAtomic - e.AmountAtomic },
        _ => state,
    };

    public static Wallet Create(CreditGranted e) => When(Empty(e.Wallet), e);
    public Wallet Apply(CreditGranted e) => When(this, e);
    public Wallet Apply(CreditSpent e) => When(this, e);
}

public static class WalletDecider
{
    public static object[] Grant(string wallet, long amountAtomic, string reason, string? sessionId, string? paymentKey, DateTimeOffset now)
    {
        if (amountAtomic <= 0) return [];
        return [new CreditGranted(WalletAddress.Normalize(wallet), amountAtomic, reason, sessionId, paymentKey, now)];
    }

    /// <summary>Settled money that bought nothing: the settlement itself (what came in, on chain) and then the credit
    /// it becomes, both on the wallet's stream, so the ledger shows the cash and the credit and the chain can be asked
    /// about its transaction. The session id is the one the order allocated (a session that may never exist).</summary>
    public static object[] CreditSettlement(string wallet, SettledPayment payment, string purpose, string sessionId, string reason, DateTimeOffset now)
    {
        if (payment.AmountAtomic <= 0) return [];
        return
        [
            new PaymentSettled(sessionId, purpose, payment.Network, payment.Payer, payment.Asset, payment.AmountAtomic, payment.Transaction,
                payment.PaymentKey, now, payment.PayTo),
            .. Grant(wallet, payment.AmountAtomic, reason, sessionId, payment.PaymentKey, now),
        ];
    }

    public static object[] Spend(Wallet? state, string wallet, long amountAtomic, string sessionId, string purpose, DateTimeOffset now)
    {
        if (amountAtomic <= 0) return [];
        var balance = state?.BalanceAtomic ?? 0;
        if (balance < amountAtomic)
            throw new DomainException(DomainError.Conflict, "insufficient_credits", $"The wallet holds {balance} atomic units of credit; {amountAtomic} are needed.");
        return [new CreditSpent(WalletAddress.Normalize(wallet), amountAtomic, sessionId, purpose, now)];
    }
}
