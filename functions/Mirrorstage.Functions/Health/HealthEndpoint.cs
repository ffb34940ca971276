using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;
using Mirrorstage.X402;

namespace Mirrorstage.Functions.Health;

public static class HealthEndpoint
{
    public sealed record Response(
        string Status,
        bool Available,
        bool LivekitEnabled,
        string? LivekitUrl,
        decimal PricePerMinuteUsd,
        int FreeTrialMinutes,
        int MinDurationMinutes,
        int DefaultDurationMinutes,
        IReadOnlyList<string> Networks);

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/health", (
        IRenderCapacity capacity,
        IOptions<PricingOptions> pricing,
        IOptions<LiveKitOptions> liveKit,
        IOptions<PaymentOptions> payments) =>
    {
        var p = pricing.Value;
        var available = capacity.Available;
        return Results.Json(new Response(
            available ? "available" : "busy",
            available,
            liveKit.Value.Enabled,
            liveKit.Value.Enabled ? liveKit.Value.Url : null,
            p.PricePerMinuteUsd,
            p.FreeMinutes,
            p.MinDurationMinutes,
            p.DefaultDurationMinutes,
            p.PricePerMinuteUsd > 0 ? payments.Value.Enabled.Select(n => n.Network).ToList() : []), Api.AppJson.Options);
    });
}
