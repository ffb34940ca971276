using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Payments;
using Mirrorstage.X402;
using Mirrorstage.Events.Payments;

namespace Mirrorstage.Functions.Sessions;

/// <summary>POST /v1/sessions/{id}/extend: more minutes, paid by the wallet that paid for the session.</summary>
public static class ExtendSession
{
    public sealed record Response(string SessionId, int AddedMinutes, DateTimeOffset? NewExpiresAt, long TotalRemainingSeconds, decimal PriceUsd);

    private const int MaxBodyBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/sessions/{id}/extend", Handle);

    private static async Task<IResult> Handle(
        string id, HttpContext http, IQuerySession db, IDocumentStore store, IOptions<PricingOptions> pricing,
        PaymentGate payments, CreditPayments credits, TimeProvider clock, CancellationToken ct)
    {
        var view = await SessionAccess.RequireOwnerAsync(http.Request, db, id, ct);
        var minutes = await ReadMinutesAsync(http.Request, pricing.Value, ct);
        var current = await db.Events.AggregateStreamAsync<Session>(id, token: ct) ?? throw ApiException.NotFound();
        SessionDecider.EnsureExtendable(current, null);

        var price = Price.ExtensionAtomic(pricing.Value, minutes);
        var demand = new PaymentDemand("extend", price, $"{minutes}-minute extension of session {id}",
            $"extend|{id}|{minutes}", payer => SessionDecider.EnsureExtendable(current, payer), current.Wallet);
        var attempt = payments.Read(http, demand);
        var paysWithCredits = price > 0 && CreditChallenges.IsCreditPayment(http.Request);
        if (price > 0 && attempt is null && !paysWithCredits) throw payments.Required(http, demand);

        var order = new PaidOrder { Purpose = "extend", SessionId = id, PriceAtomic = price, Wallet = current.Wallet, Minutes = minutes };
        var paid = price == 0
            ? await ExtendFreeAsync(store, order, clock, ct)
            : paysWithCredits ? await credits.PayAsync(http.Request, demand, order, ct)
            : await payments.PrecheckAsync(http, demand, attempt!, ct) ?? await payments.PayAsync(http, demand, attempt!, order, ct);

        if (paid.Response is { } settle) http.Response.Headers[X402Headers.PaymentResponse] = X402Headers.Encode(settle);
        await using var query = store.QuerySession();
        var after = await query.LoadAsync<SessionView>(id, CancellationToken.None) ?? view;
        return Results.Json(new Response(id, minutes, after.ExpiresAt, after.RemainingSecondsAt(clock.GetUtcNow()), Price.ToUsd(price)), AppJson.Options);
    }

    private static async Task<PaidFor> ExtendFreeAsync(IDocumentStore store, PaidOrder order, TimeProvider clock, CancellationToken ct)
    {
        await SessionWrites.DecideAndAppendAsync(store, order.SessionId, s => OrderEvents.Extend(s, order, null, 0, clock.GetUtcNow()), null, ct);
        return new PaidFor(order.SessionId, null);
    }

    /// <summary>Body {"duration_minutes": N}; an empty body means the default extension.</summary>
    private static async Task<int> ReadMinutesAsync(HttpRequest request, PricingOptions pricing, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            throw new ApiException(413, "request_too_large", $"The extend body must be under {MaxBodyBytes} bytes.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBodyBytes)
            throw new ApiException(413, "request_too_large", $"The extend body must be under {MaxBodyBytes} bytes.");
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            return pricing.DefaultExtendMinutes;

        JsonElement minutesElement;
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.BadRequest("invalid_json", "The body must be a JSON object like {\"duration_minutes\": 5}.");
            if (!doc.RootElement.TryGetProperty("duration_minutes", out minutesElement))
                return pricing.DefaultExtendMinutes;
            minutesElement = minutesElement.Clone();
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest("invalid_json", "The body is not valid JSON.");
        }

        if (minutesElement.ValueKind == JsonValueKind.Number && minutesElement.TryGetInt32(out var m)
            && m >= 1 && m <= pricing.MaxExtendMinutes)
            return m;
        if (minutesElement.ValueKind == JsonValueKind.Null) return pricing.DefaultExtendMinutes;
        throw ApiException.BadRequest("invalid_duration", $"duration_minutes must be a whole number from 1 to {pricing.MaxExtendMinutes}.");
    }
}
