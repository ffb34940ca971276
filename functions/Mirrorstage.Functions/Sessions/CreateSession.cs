using Mirrorstage.Infrastructure.Telemetry;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;
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
using Cmd = Mirrorstage.Events.Sessions.CreateSession;

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
        CreditGrants creditGrants,
        IDocumentStore store,
        IWarmQueue queue,
        SessionTokens tokens,
        SessionResponses responses,
        TimeProvider clock,
        ILoggerFactory logs,
        CancellationToken ct)
    {
        var form = await CreateSessionForm.ReadAsync(http.Request, pricing.Value, imageOptions.Value, ct);
        var output = await outputs.ResolveAsync(form.OutputUrl, form.LivekitToken, ct);
        var image = images.Process(form.Image);

        var price = Price.SessionAtomic(pricing.Value, form.DurationMinutes);
        var imageHash = ReferenceImages.Hash(form.Image);
        var demand = new PaymentDemand("create", price, $"{form.DurationMinutes}-minute render session",
            Fingerprint(imageHash, form, output), payer =>
            {
                if (form.Wallet is not null && !WalletAddress.SameWallet(form.Wallet, payer))
                    throw new ApiException(403, "wallet_mismatch", "The payment comes from a different wallet than the `wallet` field names.");
            }, form.Wallet);
        var paysWithCredits = price > 0 && CreditChallenges.IsCreditPayment(http.Request);
        // Capacity before payment: a session nothing can serve is refused (503), never charged. A payment attempt
        // holds its slot until the session is recorded; a 402 probe only checks.
        await using var slot = await capacity.ReserveAsync(
            hold: price == 0 || paysWithCredits || http.Request.Headers.ContainsKey(X402Headers.PaymentSignature), ct);

        // Store the photo before money moves (a storage failure must not cost anything); a bare 402 probe skips it.
        ReferenceImage? reference = null;
        if (price == 0 || paysWithCredits || http.Request.Headers.ContainsKey(X402Headers.PaymentSignature))
            reference = await ReferenceImages.StoreAsync(blobs, imageHash, form.Image, image, ct);

        var payment = paysWithCredits
            ? await payments.CollectCreditsAsync(http.Request, demand, ct)
            : await payments.CollectAsync(http, demand, ct);
        if (payment is PaymentResult.AlreadyRecorded again)
            return await AnswerAsync(http, store, responses, again.SessionId, again.Response, slot.EstimatedReadySeconds, ct);

        var id = SessionTokens.NewSessionId();
        var settled = payment as PaymentResult.Settled;
        var credits = payment as PaymentResult.Credits;
        var events = SessionDecider.Decide(new Cmd(
            id,
            TokenHashes.Of(tokens.SessionToken(id)),
            TokenHashes.Of(tokens.ShareToken(id, 1)),
            reference!,
            output.Protocol,
            output.Url,
            form.DurationMinutes,
            price,
            settled?.Payment.Payer is { } payer && payer != "unknown" ? WalletAddress.Normalize(payer) : form.Wallet is { } w ? WalletAddress.Normalize(w) : null,
            settled?.Payment,
            credits is null ? 0 : price,
            clock.GetUtcNow(),
            FreeMinutes: Math.Min(pricing.Value.FreeMinutes, form.DurationMinutes)));

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Session>(id, events);
            if (settled is not null) payments.Record(session, settled, id, demand);
            if (credits is not null) await payments.SpendCreditsAsync(session, credits, id, demand, ct);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (settled is not null)
            {
                throw await creditGrants.KeepPaymentAsCreditAsync(settled, id, e);
            }
            catch (JasperFx.DocumentAlreadyExistsException) when (credits is not null)
            {
                throw new ApiException(409, "payment_already_used", "This credit challenge was already used; ask for a new one.");
            }
        }

        await Viewing.CallerRoomTokens.KeepAsync(blobs, id, form.LivekitToken, logs, ct);
        try
        {
            MirrorstageTelemetry.TagSession(id);
            using var span = MirrorstageTelemetry.StartSessionActivity("warm_session.send", id, null, System.Diagnostics.ActivityKind.Producer);
            await queue.SendAsync(new WarmSession(id, clock.GetUtcNow()), ct);
        }
        catch (Exception e)
        {
            // The session is recorded; the workers' reconcile picks up warming sessions nobody claimed.
            logs.CreateLogger(typeof(CreateSession)).LogError(e, "Could not queue warm request for {SessionId}", id);
        }
        return await AnswerAsync(http, store, responses, id, settled?.Response, slot.EstimatedReadySeconds, ct);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, IDocumentStore store, SessionResponses responses,
        string id, X402.Models.SettleResponse? settle, int estimatedReadySeconds, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var view = await query.LoadAsync<SessionView>(id, ct) ?? throw ApiException.NotFound();
        if (settle is not null) http.Response.Headers[X402Headers.PaymentResponse] = X402Headers.Encode(settle);
        return Results.Json(responses.Created(http.Request, view, estimatedReadySeconds), AppJson.Options, statusCode: 201);
    }

    private static string Fingerprint(string imageHash, CreateSessionForm form, OutputTarget output) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"create|{imageHash}|{form.DurationMinutes}|{output.Protocol}|{output.Url}|{form.Wallet}")));
}
