using Marten;
using JasperFx;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;
using Mirrorstage.X402;
using Mirrorstage.X402.Facilitators;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>The x402 resource-server flow. Callers validate everything else first; this runs last:
/// 402 with requirements -> decode -> match -> refuse reuse -> claim -> verify -> settle.</summary>
public sealed class PaymentGate(
    IOptions<PaymentOptions> payments,
    IFacilitatorRouter facilitators,
    IDocumentStore store,
    PublicUrls urls,
    TimeProvider clock,
    CreditChallenges challenges,
    ILogger<PaymentGate> log)
{
    public async Task<PaymentResult> CollectAsync(HttpContext http, PaymentDemand demand, CancellationToken ct)
    {
        if (demand.AmountAtomic == 0) return new PaymentResult.Free();

        var ours = Requirements.For(payments.Value.Enabled, demand.AmountAtomic);
        if (ours.Count == 0)
            throw new ApiException(503, "payments_not_configured", "This gateway charges for sessions but has no payment network enabled.");

        var header = http.Request.Headers[X402Headers.PaymentSignature].ToString();
        if (string.IsNullOrEmpty(header))
            throw Required(http, ours, demand, "payment_required",
                $"PAYMENT-SIGNATURE header is required: {demand.Description} costs ${Price.ToUsd(demand.AmountAtomic):0.00######} in USDC. " +
                "x402 clients cap one payment at $1 by default; raise maxAmountPerPayment for larger amounts.");

        if (!X402Headers.TryDecodePayload(header, out var payload, out var decodeError))
            throw ApiException.BadRequest("invalid_payment_signature", decodeError);

        var requirement = Requirements.Match(ours, payload.Accepted)
            ?? throw Required(http, ours, demand, "payment_requirements_mismatch",
                "The payment's `accepted` matches none of the requirements offered; pay one of PAYMENT-REQUIRED's accepts exactly.");

        var key = PaymentKeys.For(payload);
        if (await FindRecordedAsync(key, demand, ct) is { } recorded) return recorded;

        if (PaymentKeys.EvmPayer(payload) is { } evmPayer) demand.CheckPayer?.Invoke(evmPayer);
        if (payments.Value.Enabled.First(n => n.Network == requirement.Network).VerifyLocally
            && ExactSchemeRules.Check(payload, requirement, clock.GetUtcNow()) is { } refused)
            throw Required(http, ours, demand, "payment_invalid",
                $"The payment was refused: {refused.InvalidReason} ({refused.InvalidMessage}).");

        if (!await TryClaimAsync(key, demand, ct))
            return await FindRecordedAsync(key, demand, ct)
                   ?? throw new ApiException(409, "payment_in_progress", "This payment is already being settled by another request.");

        var facilitator = facilitators.For(requirement.Network);
        VerifyResponse verified;
        try
        {
            verified = await facilitator.VerifyAsync(payload, requirement, ct);
        }
        catch (FacilitatorUnavailableException e)
        {
            await ReleaseAsync(key);
            log.LogWarning(e, "Verify failed for {Network}", requirement.Network);
            throw new ApiException(503, "facilitator_unavailable", "The payment could not be verified right now; nothing was charged. Retry shortly.");
        }
        if (!verified.IsValid)
        {
            await ReleaseAsync(key);
            throw Required(http, ours, demand, "payment_invalid",
                $"The payment was refused: {verified.InvalidReason ?? "invalid"}{(verified.InvalidMessage is { } m ? $" ({m})" : "")}.");
        }

        var payer = verified.Payer ?? PaymentKeys.EvmPayer(payload) ?? "";
        try
        {
            if (payer.Length > 0) demand.CheckPayer?.Invoke(payer);
        }
        catch
        {
            await ReleaseAsync(key);
            throw;
        }

        SettleResponse settled;
        try
        {
            settled = await facilitator.SettleAsync(payload, requirement, ct);
        }
        catch (FacilitatorUnavailableException e)
        {
            // The chain may or may not have moved the money: keep the claim so the payload cannot be reused,
            // and let the operator reconcile from the log and the chain.
            log.LogError(e, "Settlement outcome unknown for payment {PaymentKey}", key);
            throw new ApiException(503, "settlement_unknown", "The payment's settlement could not be confirmed. Do not sign a new payment; retry this request later with the same one.");
        }
        if (!settled.Success)
        {
            await ReleaseAsync(key);
            throw new ApiException(402, "payment_settlement_failed",
                $"Settlement failed: {settled.ErrorReason ?? "unknown"}{(settled.ErrorMessage is { } m ? $" ({m})" : "")}. Nothing was charged.",
                new Dictionary<string, string> { [X402Headers.PaymentResponse] = X402Headers.Encode(settled) });
        }

        var amount = long.Parse(requirement.Amount, System.Globalization.CultureInfo.InvariantCulture);
        var who = settled.Payer ?? (payer.Length > 0 ? payer : "unknown");
        return new PaymentResult.Settled(
            new SettledPayment(requirement.Network, who, requirement.Asset, amount, settled.Transaction, key, requirement.PayTo), settled);
    }

    /// <summary>Written in the caller's transaction, beside the events the payment paid for.</summary>
    public void Record(IDocumentSession session, PaymentResult.Settled settled, string sessionId, PaymentDemand demand) =>
        session.Insert(new PaymentRecord
        {
            Id = settled.Payment.PaymentKey,
            SessionId = sessionId,
            Purpose = demand.Purpose,
            RequestFingerprint = demand.RequestFingerprint,
            Transaction = settled.Payment.Transaction,
            SettleResponse = X402Headers.Encode(settled.Response),
            RecordedAt = clock.GetUtcNow(),
        });

    /// <summary>A request paid with wallet credits: the proof is checked here; the spend is appended with the session.</summary>
    public async Task<PaymentResult> CollectCreditsAsync(HttpRequest request, PaymentDemand demand, CancellationToken ct)
    {
        var proof = challenges.Verify(request, demand.CreditWallet, demand.AmountAtomic, demand.RequestFingerprint);
        var credits = new PaymentResult.Credits(proof);
        return await FindRecordedAsync(credits.Key, demand, ct) ?? credits;
    }

    /// <summary>Appends the wallet's CreditSpent and the single-use record of the challenge to the caller's transaction.</summary>
    public async Task SpendCreditsAsync(IDocumentSession session, PaymentResult.Credits credits, string sessionId, PaymentDemand demand, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Events.Wallets.Wallet>(Events.Wallets.WalletAddress.StreamKey(credits.Proof.Wallet), ct);
        try
        {
            stream.AppendMany(Events.Wallets.WalletDecider.Spend(stream.Aggregate, credits.Proof.Wallet, demand.AmountAtomic, sessionId, demand.Purpose, clock.GetUtcNow()));
        }
        catch (Events.DomainException e) when (e.Code == "insufficient_credits")
        {
            throw new ApiException(402, "insufficient_credits", e.Message + " Pay with x402 instead (PAYMENT-SIGNATURE).");
        }
        session.Insert(new PaymentRecord
        {
            Id = credits.Key, SessionId = sessionId, Purpose = demand.Purpose, RequestFingerprint = demand.RequestFingerprint,
            Transaction = "credits", RecordedAt = clock.GetUtcNow(),
        });
    }

    private async Task<PaymentResult?> FindRecordedAsync(string key, PaymentDemand demand, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var record = await query.LoadAsync<PaymentRecord>(key, ct);
        if (record is null) return null;
        if (record.Purpose == demand.Purpose && record.RequestFingerprint == demand.RequestFingerprint)
            return new PaymentResult.AlreadyRecorded(record.SessionId, Decode(record.SettleResponse));
        throw new ApiException(409, "payment_already_used", "This payment was already used for another request; sign a new one.");
    }

    private async Task<bool> TryClaimAsync(string key, PaymentDemand demand, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Insert(new PaymentClaim { Id = key, Purpose = demand.Purpose, RequestFingerprint = demand.RequestFingerprint, ClaimedAt = clock.GetUtcNow() });
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (DocumentAlreadyExistsException)
        {
            return false;
        }
    }

    private async Task ReleaseAsync(string key)
    {
        await using var session = store.LightweightSession();
        session.Delete<PaymentClaim>(key);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private ApiException Required(HttpContext http, IReadOnlyList<PaymentRequirements> accepts, PaymentDemand demand, string code, string message)
    {
        var resource = new ResourceInfo(urls.Base(http.Request) + http.Request.Path, demand.Description, "application/json");
        var body = new PaymentRequired(X402Headers.Version, message, resource, accepts, new System.Text.Json.Nodes.JsonObject());
        var headers = new Dictionary<string, string> { [X402Headers.PaymentRequired] = X402Headers.Encode(body) };
        if (demand.CreditWallet is { } wallet)
            headers[CreditChallenges.ChallengeHeader] = challenges.Issue(wallet, demand.AmountAtomic, demand.RequestFingerprint);
        return new ApiException(402, code, message, headers);
    }

    private static SettleResponse? Decode(string? header)
    {
        if (header is null) return null;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<SettleResponse>(Convert.FromBase64String(header), X402Json.Options);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
