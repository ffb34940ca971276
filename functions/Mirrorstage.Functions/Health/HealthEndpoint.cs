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
        IReadOnlyList<string> Networks,
        int FreeSlots,
        int ScaleOutSlots,
        int EstimatedReadySeconds);

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/health", async (
        IRenderCapacity capacity,
        IOptions<PricingOptions> pricing,
        IOptions<LiveKitOptions> liveKit,
        IOptions<PaymentOptions> payments,
        CancellationToken ct) =>
    {
        var p = pricing.Value;
        var fleet = await capacity.ReadAsync(ct);
        var available = fleet.Available;
        return Results.Json(new Response(
            available ? "available" : "busy",
            available,
            liveKit.Value.Enabled,
            liveKit.Value.Enabled ? liveKit.Value.Url : null,
            p.PricePerMinuteUsd,
            p.FreeMinutes,
            p.MinDurationMinutes,
            p.DefaultDurationMinutes,
            p.Charges ? payments.Value.Enabled.Select(n => n.Network).ToList() : [],
            fleet.FreeSlots,
            fleet.ScaleOutSlots,
            fleet.EstimatedReadySeconds), Api.AppJson.Options);
    });
}
