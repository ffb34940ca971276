using Marten.Events.Aggregation;

namespace Mirrorstage.Events.Wallets;

/// <summary>A wallet's credit balance, for reads.</summary>
public sealed class WalletBalance
{
    public string Id { get; set; } = "";
    public string Wallet { get; set; } = "";
    public long BalanceAtomic { get; set; }
    public long GrantedAtomic { get; set; }
    public long SpentAtomic { get; set; }
}

public partial class WalletBalanceProjection : SingleStreamProjection<WalletBalance, string>
{
    public void Apply(CreditGranted e, WalletBalance b)
    {
        b.Wallet = e.Wallet;
        b.GrantedAtomic += e.AmountAtomic;
        b.BalanceAtomic += e.AmountAtomic;
    }

    public void Apply(CreditSpent e, WalletBalance b)
    {
        b.Wallet = e.Wallet;
        b.SpentAtomic += e.AmountAtomic;
        b.BalanceAtomic -= e.AmountAtomic;
    }
}
