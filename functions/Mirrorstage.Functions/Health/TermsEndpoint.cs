using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;

namespace Mirrorstage.Functions.Health;

/// <summary>GET /tos: the terms a client accepts with accept_tos=true, as Markdown with its version.</summary>
public static class TermsEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/tos", (IOptions<GatewayOptions> gateway, IOptions<PricingOptions> pricing) =>
    {
        var p = pricing.Value;
        var text = $"""
            # Mirrorstage terms of service

            Version: {gateway.Value.TermsVersion}

            1. You may only send photos of faces you have the right to animate, and audio you have the right to use.
               Do not impersonate a real person without their consent.
            2. Sessions are priced at ${p.PricePerMinuteUsd:0.00##} per minute after {p.FreeMinutes} free minutes,
               paid in USDC over x402 when the session is created or extended. Payments are final once settled.
            3. A request refused for any reason other than payment is never charged. A session that fails before it
               goes live is refunded as wallet credit.
            4. The billable timer starts when the session goes live. Ending early does not refund unused minutes.
            5. Reference photos and face crops are stored to serve the session and may be kept for audit; audio and
               video are streamed, not stored, unless you ask for a recording.
            6. The service is provided as is, without warranty.
            """;
        return Results.Text(text, "text/markdown; charset=utf-8");
    });
}
