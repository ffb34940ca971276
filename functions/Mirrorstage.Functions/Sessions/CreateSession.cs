using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Api;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Functions.Health;
using Mirrorstage.Imaging;
using Mirrorstage.Functions.Outputs;
using Mirrorstage.Functions.Payments;
using Mirrorstage.X402;

namespace Mirrorstage.Functions.Sessions;

/// <summary>POST /v1/sessions: validate everything, then take payment, then record and queue the session.</summary>
public static class CreateSession
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/sessions", Handle).DisableAntiforgery();

    private static async Task<IResult> Handle(
        HttpContext http,
        IOptions<PricingOptions> pricing,
        IOptions<ImageOptions> imageOptions,
        OutputUrlPolicy outputs,
        ReferenceImageProcessor images,
        IRenderCapacity capacity,
        IBlobStore blobs,
        PaymentGate payments,
        CreditPayments credits,
        IDocumentStore store,
        OrderEvents orders,
        WarmRequests warm,
        SessionResponses responses,
        TimeProvider clock,
        ILoggerFactory logs,
        CancellationToken ct)
    {
        var form = await CreateSessionForm.ReadAsync(http.Request, pricing.Value, imageOptions.Value, ct);
        var price = Price.SessionAtomic(pricing.Value, form.DurationMinutes);
        var imageHash = ReferenceImages.Hash(form.Image);
        var output = await outputs.ResolveAsync(form.OutputUrl, form.LivekitToken, ct);
        var demand = new PaymentDemand("create", price, $"{form.DurationMinutes}-minute render session",
            Fingerprint(imageHash, form, output), payer =>
            {
                if (form.Wallet is not null && !WalletAddress.SameWallet(form.Wallet, payer))
                    throw new ApiException(403, "wallet_mismatch", "The payment comes from a different wallet than the `wallet` field names.");
            }, form.Wallet);
        // Cheap before costly: a malformed PAYMENT-SIGNATURE is refused before the photo is examined or stored.
        var attempt = payments.Read(http, demand);
        // A retry of a payment already recorded gets its session even when the fleet is full now (often with it);
        // a payment refused by its own signature or terms costs no face detection, blob write or render slot.
        if (attempt is not null && await payments.PrecheckAsync(http, demand, attempt, ct) is { } again)
            return await CreatedAsync(http, store, responses, again, readySeconds: 0);

        var image = images.Process(form.Image);
        var paysWithCredits = price > 0 && CreditChallenges.IsCreditPayment(http.Request);
        // Capacity before payment: a session nothing can serve is refused (503), never charged. A payment attempt
        // holds its slot until the session is recorded; a 402 probe only checks.
        await using var slot = await capacity.ReserveAsync(hold: price == 0 || paysWithCredits || attempt is not null, ct);
        if (price > 0 && attempt is null && !paysWithCredits) throw payments.Required(http, demand);

        // Store the photo before money moves (a storage failure must not cost anything).
        var order = new PaidOrder
        {
            Purpose = "create", SessionId = SessionTokens.NewSessionId(), PriceAtomic = price, Wallet = form.Wallet,
            Reference = await ReferenceImages.StoreAsync(blobs, imageHash, form.Image, image, ct),
            OutputProtocol = output.Protocol, OutputUrl = output.Url, Minutes = form.DurationMinutes,
            FreeMinutes = Math.Min(pricing.Value.FreeMinutes, form.DurationMinutes),
        };
        // The caller's LiveKit room token reaches the worker through the blob store, never the event store.
        await Viewing.CallerRoomTokens.KeepAsync(blobs, order.SessionId, form.LivekitToken, logs, ct);
        var paid = price == 0 ? await RecordFreeAsync(store, orders, warm, order, clock, ct)
            : paysWithCredits ? await credits.PayAsync(http.Request, demand, order, ct)
            : await payments.PayAsync(http, demand, attempt!, order, ct);

        return await CreatedAsync(http, store, responses, paid, slot.EstimatedReadySeconds);
    }

    private static async Task<IResult> CreatedAsync(HttpContext http, IDocumentStore store, SessionResponses responses, PaidFor paid, int readySeconds)
    {
        await using var query = store.QuerySession();
        var view = await query.LoadAsync<SessionView>(paid.SessionId, CancellationToken.None) ?? throw ApiException.NotFound();
        if (paid.Response is { } settle) http.Response.Headers[X402Headers.PaymentResponse] = X402Headers.Encode(settle);
        return Results.Json(responses.Created(http.Request, view, readySeconds), AppJson.Options, statusCode: 201);
    }

    private static async Task<PaidFor> RecordFreeAsync(IDocumentStore store, OrderEvents orders, WarmRequests warm, PaidOrder order, TimeProvider clock, CancellationToken ct)
    {
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Session>(order.SessionId, orders.Create(order, null, 0, clock.GetUtcNow()));
            await session.SaveChangesAsync(ct);
        }
        await warm.SendAsync(order.SessionId);
        return new PaidFor(order.SessionId, null);
    }

    private static string Fingerprint(string imageHash, CreateSessionForm form, OutputTarget output) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"create|{imageHash}|{form.DurationMinutes}|{output.Protocol}|{output.Url}|{form.Wallet}")));
}
