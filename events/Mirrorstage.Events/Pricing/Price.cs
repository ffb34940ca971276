namespace Mirrorstage.Events.Pricing;

/// <summary>USDC amounts: 6 decimals, so $1.00 is 1,000,000 atomic units.</summary>
public static class Price
{
    public const int UsdcDecimals = 6;
    private const decimal AtomicPerUsd = 1_000_000m;

    public static long PerMinuteAtomic(PricingOptions o)
    {
        var atomic = o.PricePerMinuteUsd * AtomicPerUsd;
        if (atomic != decimal.Truncate(atomic) || atomic < 0)
            throw new InvalidOperationException($"PricePerMinuteUsd {o.PricePerMinuteUsd} is not a whole number of USDC atomic units.");
        return (long)atomic;
    }

    /// <summary>A new session: the first FreeMinutes are free.</summary>
    public static long SessionAtomic(PricingOptions o, int minutes) => Math.Max(0, minutes - o.FreeMinutes) * PerMinuteAtomic(o);

    /// <summary>An extension: every minute is billable.</summary>
    public static long ExtensionAtomic(PricingOptions o, int minutes) => minutes * PerMinuteAtomic(o);

    public static decimal ToUsd(long atomic) => atomic / AtomicPerUsd;
}
