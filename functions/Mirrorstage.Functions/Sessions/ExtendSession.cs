using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Payments;
using Mirrorstage.X402;
using Cmd = Mirrorstage.Events.Sessions.ExtendSession;

namespace Mirrorstage.Functions.Sessions;

/// <summary>POST /v1/sessions/{id}/extend: more minutes, paid by the wallet that paid for the session.</summary>
public static class ExtendSession
{
    public sealed record Response(string SessionId, int AddedMinutes, DateTimeOffset? NewExpiresAt, long TotalRemainingSeconds, decimal PriceUsd);

    private const int MaxBodyBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/sessions/{id}/extend", Handle);

    private static async Task<IResult> Handle(
        string id, HttpContext http, IQuerySession db, IDocumentStore store, IOptions<PricingOptions> pricing,
        PaymentGate payments, CreditGrants credits, TimeProvider clock, CancellationToken ct)
    {
        var view = await SessionAccess.RequireOwnerAsync(http.Request, db, id, ct);
        var minutes = await ReadMinutesAsync(http.Request, pricing.Value, ct);
        var current = await db.Events.AggregateStreamAsync<Session>(id, token: ct) ?? throw ApiException.NotFound();
        SessionDecider.EnsureExtendable(current, null);

        var price = Price.ExtensionAtomic(pricing.Value, minutes);
        var demand = new PaymentDemand("extend", price, $"{minutes}-minute extension of session {id}",
            $"extend|{id}|{minutes}", payer => SessionDecider.EnsureExtendable(current, payer));
        var payment = await payments.CollectAsync(http, demand, ct);
        var settled = payment as PaymentResult.Settled;

        if (payment is not PaymentResult.AlreadyRecorded)
        {
            try
            {
                await SessionWrites.DecideAndAppendAsync(store, id,
                    s => SessionDecider.Decide(s, new Cmd(minutes, price, settled?.Payment.Payer, settled?.Payment, clock.GetUtcNow())),
                    (session, _) => { if (settled is not null) payments.Record(session, settled, id, demand); }, ct);
            }
            catch (Exception e) when (settled is not null && e is not OperationCanceledException)
            {
                throw await credits.KeepPaymentAsCreditAsync(settled, id, e);
            }
        }

        var settle = settled?.Response ?? (payment as PaymentResult.AlreadyRecorded)?.Response;
        if (settle is not null) http.Response.Headers[X402Headers.PaymentResponse] = X402Headers.Encode(settle);
        await using var query = store.QuerySession();
        var after = await query.LoadAsync<SessionView>(id, ct) ?? view;
        return Results.Json(new Response(id, minutes, after.ExpiresAt, after.RemainingSecondsAt(clock.GetUtcNow()), Price.ToUsd(price)), AppJson.Options);
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
