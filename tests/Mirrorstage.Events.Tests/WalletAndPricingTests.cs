using Mirrorstage.Events;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events.Tests;

public class WalletDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 24, 12, 0, 0, TimeSpan.Zero);
    private const string Evm = "0xAbCd000000000000000000000000000000000001";

    [Fact]
    public void A_grant_is_recorded_under_the_normalised_address()
    {
        var events = WalletDecider.Grant(Evm, 900_000, "refund", "s1", null, T0);
        Assert.Equal([new CreditGranted(Evm.ToLowerInvariant(), 900_000, "refund", "s1", null, T0)], events);
    }

    [Fact]
    public void Nothing_to_grant_is_no_event() => Assert.Empty(WalletDecider.Grant(Evm, 0, "refund", null, null, T0));

    [Fact]
    public void Money_that_bought_nothing_is_its_settlement_then_the_credit_it_became()
    {
        var payment = new Sessions.SettledPayment("eip155:8453", Evm, "0xusdc", 700_000, "0xtx", "key", "0xpayto");
        var events = WalletDecider.CreditSettlement(Evm, payment, "create", "s9", "create_not_servable", T0);
        Assert.Equal([
            new Sessions.PaymentSettled("s9", "create", "eip155:8453", Evm, "0xusdc", 700_000, "0xtx", "key", T0, "0xpayto"),
            new CreditGranted(Evm.ToLowerInvariant(), 700_000, "create_not_servable", "s9", "key", T0),
        ], events);
        Assert.Equal(700_000, events.Aggregate(Wallet.Empty(Evm), Wallet.When).BalanceAtomic); // the settlement is no credit by itself
        Assert.Empty(WalletDecider.CreditSettlement(Evm, payment with { AmountAtomic = 0 }, "create", "s9", "create_not_servable", T0));
    }

    [Fact]
    public void Spending_takes_from_the_balance()
    {
        var wallet = Wallet.Create(new CreditGranted(Evm, 1_000_000, "refund", null, null, T0));
        var events = WalletDecider.Spend(wallet, Evm, 600_000, "s2", "create", T0);
        Assert.Equal(400_000, events.Aggregate(wallet, Wallet.When).BalanceAtomic);
    }

    [Fact]
    public void Spending_more_than_the_balance_is_refused()
    {
        var wallet = Wallet.Create(new CreditGranted(Evm, 100, "refund", null, null, T0));
        Assert.Equal("insufficient_credits", Assert.Throws<DomainException>(() => WalletDecider.Spend(wallet, Evm, 101, "s", "create", T0)).Code);
        Assert.Equal("insufficient_credits", Assert.Throws<DomainException>(() => WalletDecider.Spend(null, Evm, 1, "s", "create", T0)).Code);
    }

    [Theory]
    [InlineData("0xAbCd000000000000000000000000000000000001", true)]
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", true)]
    [InlineData("0xAbCd", false)]
    [InlineData("not a wallet", false)]
    [InlineData("0OIl0000000000000000000000000000000", false)]
    public void Addresses_are_recognised(string address, bool valid) => Assert.Equal(valid, WalletAddress.IsValid(address));

    [Fact]
    public void Solana_addresses_are_case_sensitive() =>
        Assert.False(WalletAddress.SameWallet("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "EPJFWDD5AUFQSSQEM2QN1XZYBAPC8G4WEGGKZWYTDT1V"));
}

public class PriceTests
{
    private static readonly PricingOptions Default = new() { PricePerMinuteUsd = 0.10m };

    [Theory]
    [InlineData(15, 1_000_000)]   // the documented example: 15 minutes = $1.00
    [InlineData(10, 500_000)]
    [InlineData(5, 0)]
    [InlineData(3, 0)]
    public void A_session_is_free_for_its_first_minutes(int minutes, long atomic) =>
        Assert.Equal(atomic, Price.SessionAtomic(Default, minutes));

    [Fact]
    public void Extensions_have_no_free_part() => Assert.Equal(500_000, Price.ExtensionAtomic(Default, 5));

    [Fact]
    public void Price_zero_asks_for_nothing() => Assert.Equal(0, Price.SessionAtomic(new PricingOptions(), 60));

    [Fact]
    public void A_price_finer_than_one_atomic_unit_is_a_configuration_error() =>
        Assert.Throws<InvalidOperationException>(() => Price.PerMinuteAtomic(new PricingOptions { PricePerMinuteUsd = 0.0000001m }));

    [Fact]
    public void Atomic_units_convert_to_dollars() => Assert.Equal(1.00m, Price.ToUsd(1_000_000));
}
