namespace Mirrorstage.Events.Pricing;

/// <summary>Prices and limits, bound from configuration section "Mirrorstage:Pricing".</summary>
public sealed class PricingOptions
{
    public const string Section = "Mirrorstage:Pricing";

    /// <summary>USD per billable minute; 0 means no payment is asked for.</summary>
    public decimal PricePerMinuteUsd { get; set; }

    /// <summary>Whether sessions are paid for: what a charging gateway needs (payment networks, a shared token
    /// secret, a writable payment journal, the reconciler) follows from this.</summary>
    public bool Charges => PricePerMinuteUsd > 0;
    public int FreeMinutes { get; set; } = 5;
    public int DefaultDurationMinutes { get; set; } = 15;
    public int MinDurationMinutes { get; set; } = 10;
    public int MaxDurationMinutes { get; set; } = 480;
    public int DefaultExtendMinutes { get; set; } = 5;
    public int MaxExtendMinutes { get; set; } = 480;
}
