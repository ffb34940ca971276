using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;
using Mirrorstage.X402;
using Mirrorstage.X402.Facilitators;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Reconciliation;

namespace Mirrorstage.Functions.Payments;

/// <summary>The x402 resource-server flow. Callers validate everything else first; this runs last:
/// 402 with requirements -> decode -> match -> refuse reuse -> claim (whole payload) -> verify -> settle ->
/// journal -> record. Once claimed, nothing runs on the request's cancellation token.</summary>
public sealed class PaymentGate(
    IOptions<PaymentOptions> payments,
    IFacilitatorRouter facilitators,
    ISettlementProbes probes,
    PaymentClaims claims,
    PaymentSettlements settlements,
    PaymentReplies replies,
    TimeProvider clock,
    PaymentRequiredAnswers required,
    ILogger<PaymentGate> log)
{
    /// <summary>Cheap checks on the PAYMENT-SIGNATURE, before anything costly (face detection, blob writes):
    /// decoded once per attempt. Null when the request carries none.</summary>
    public PaymentAttempt? Read(HttpContext http, PaymentDemand demand)
    {
        if (demand.AmountAtomic == 0) return null;
        var header = http.Request.Headers[X402Headers.PaymentSignature].ToString();
        if (string.IsNullOrEmpty(header)) return null;
        var ours = Ours(demand);
        if (!X402Headers.TryDecodePayload(header, out var payload, out var decodeError))
            throw ApiException.BadRequest("invalid_payment_signature", decodeError);
        var requirement = Requirements.Match(ours, payload.Accepted)
            ?? throw required.Build(http, ours, demand, "payment_requirements_mismatch",
                "The payment's `accepted` matches none of the requirements offered; pay one of PAYMENT-REQUIRED's accepts exactly.");
        if (!PaymentIdentity.TryRead(payload with { Accepted = requirement }, out var identity, out var error))
            throw ApiException.BadRequest("invalid_payment_signature", error);
        return new PaymentAttempt(header, payload, requirement, identity, ClientKeys.HashOf(http.Request, payload));
    }

    /// <summary>402 with PAYMENT-REQUIRED: what this request costs and how to pay it.</summary>
    public ApiException Required(HttpContext http, PaymentDemand demand) =>
        required.Build(http, Ours(demand), demand, "payment_required",
            $"PAYMENT-SIGNATURE header is required: {demand.Description} costs ${Price.ToUsd(demand.AmountAtomic):0.00######} in USDC. " +
            "x402 clients cap one payment at $1 by default; raise maxAmountPerPayment for larger amounts. " +
            $"Send an {ClientKeys.Header} header (a fresh random value per request, the same on its retries): only a retry with it gets the session back.");

    /// <summary>The answer to a retry of a payment already recorded (its session, or 409 without the client's key),
    /// or null when this payment is new. Asked before capacity: a full fleet must not refuse what was paid.</summary>
    private async Task<PaidFor?> RecordedAsync(PaymentDemand demand, PaymentAttempt attempt) =>
        await settlements.FindRecordAsync(attempt.Identity.Key) is { } recorded ? replies.Replay(recorded, demand, attempt) : null;

    /// <summary>Everything about a payment that costs no more than a store lookup and a signature check, asked
    /// before the photo is examined or stored and before a render slot is held: a retry of a recorded payment
    /// gets its answer (returned), one another request is settling gets 409, the wrong wallet 403, and a payment
    /// that breaks the scheme's rules (signature, amount, destination, window) 402.</summary>
    public async Task<PaidFor?> PrecheckAsync(HttpContext http, PaymentDemand demand, PaymentAttempt attempt, CancellationToken ct)
    {
        if (await RecordedAsync(demand, attempt) is { } again) return again;
        if (await claims.FindAsync(attempt.Identity.Key, ct) is { } held) throw replies.InProgress(held);
        if (attempt.Identity.Payer is { } evmPayer) demand.CheckPayer?.Invoke(evmPayer);
        var network = payments.Value.Enabled.First(n => n.Network == attempt.Requirement.Network);
        if (network.VerifyLocally && ExactSchemeRules.Check(attempt.Payload, attempt.Requirement, clock.GetUtcNow()) is { } refused)
        {
            PaymentMetrics.RefusedLocally("payment_invalid", attempt.Requirement.Network);
            throw required.Build(http, Ours(demand), demand, "payment_invalid", $"The payment was refused: {refused.InvalidReason} ({refused.InvalidMessage}).");
        }
        return null;
    }

    /// <summary>Claims, verifies, settles and records a payment that <see cref="PrecheckAsync"/> passed (callers
    /// ask it first, before their own costly work). A payment recorded or claimed by another request since then is
    /// caught by the claim itself.</summary>
    public async Task<PaidFor> PayAsync(HttpContext http, PaymentDemand demand, PaymentAttempt attempt, PaidOrder order, CancellationToken ct)
    {
        var key = attempt.Identity.Key;
        var claim = new PaymentClaim
        {
            Id = key, Network = attempt.Requirement.Network, Payer = attempt.Identity.Payer, Purpose = demand.Purpose,
            RequestFingerprint = demand.RequestFingerprint, ClientKeyHash = attempt.ClientKeyHash, Payload = attempt.Header,
            Requirement = JsonSerializer.Serialize(attempt.Requirement, X402Json.Options), Order = order,
        };
        if (!await claims.TryInsertAsync(claim, ct))
        {
            if (await settlements.FindRecordAsync(key) is { } raced) return replies.Replay(raced, demand, attempt);
            throw replies.InProgress(await claims.FindAsync(key, CancellationToken.None));
        }
        // A request that recorded this payment removed its claim in the same transaction: looked up again now,
        // after our claim exists, a record means it was paid before we claimed it.
        if (await settlements.FindRecordAsync(key) is { } recordedMeanwhile)
        {
            await claims.ReleaseAsync(key);
            return replies.Replay(recordedMeanwhile, demand, attempt);
        }
        // Claimed: from here on the request's cancellation is ignored, so an aborted client leaves a finished payment.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var paid = await SettleClaimedAsync(http, demand, attempt, claim);
            PaymentMetrics.Record("settled", attempt.Requirement.Network, started);
            return paid;
        }
        catch (ApiException e)
        {
            PaymentMetrics.Record(e.Code, attempt.Requirement.Network, started); // payment_invalid, settlement_unknown, ...
            throw;
        }
    }

    private async Task<PaidFor> SettleClaimedAsync(HttpContext http, PaymentDemand demand, PaymentAttempt attempt, PaymentClaim claim)
    {
        var facilitator = facilitators.For(attempt.Requirement.Network);
        VerifyResponse verified;
        try
        {
            verified = await facilitator.VerifyAsync(attempt.Payload, attempt.Requirement, CancellationToken.None);
        }
        catch (FacilitatorUnavailableException e)
        {
            await claims.ReleaseAsync(claim.Id);
            log.LogWarning(e, "Verify failed for {Network}", attempt.Requirement.Network);
            throw new ApiException(503, "facilitator_unavailable", "The payment could not be verified right now; nothing was charged. Retry shortly.");
        }
        if (!verified.IsValid)
        {
            await claims.ReleaseAsync(claim.Id);
            throw required.Build(http, Ours(demand), demand, "payment_invalid",
                $"The payment was refused: {verified.InvalidReason ?? "invalid"}{(verified.InvalidMessage is { } m ? $" ({m})" : "")}.");
        }
        var payer = verified.Payer ?? attempt.Identity.Payer;
        try
        {
            if (payer is { Length: > 0 }) demand.CheckPayer?.Invoke(payer);
        }
        catch
        {
            await claims.ReleaseAsync(claim.Id);
            throw;
        }
        claim.Payer ??= payer;

        SettleResponse settled;
        try
        {
            settled = await facilitator.SettleAsync(attempt.Payload, attempt.Requirement, CancellationToken.None);
        }
        catch (FacilitatorUnavailableException e)
        {
            log.LogError(e, "Settlement outcome unknown for payment {PaymentKey}", claim.Id);
            await claims.MarkUnknownAsync(claim, (e as SettlementUnknownException)?.Transaction);
            throw replies.Unknown();
        }
        if (!settled.Success)
        {
            // A failure is believed only when the chain confirms nothing moved. Moved (front-run, already submitted):
            // served. Pending (a broadcast not yet mined, an authorization still usable, a chain that could not be
            // asked), or x402's settlement_pending (sent, the facilitator stopped waiting) with no chain to ask: the
            // outcome is unknown and goes to the reconciler, which follows the named transaction. Otherwise, with no
            // chain to ask, the facilitator's word.
            var sent = settled.Transaction is { Length: > 0 } t ? t : null;
            var verdict = await probes.ProbeAsync(attempt.Payload, attempt.Requirement, sent);
            if (verdict is ChainVerdict.Moved moved)
                return await settlements.RecordAsync(claim, attempt.Requirement, settled with { Success = true, Transaction = moved.Transaction, Payer = moved.Payer ?? settled.Payer ?? payer }, demand, attempt);
            if (verdict is ChainVerdict.Pending || (verdict is null && settled.ErrorReason == SettlementPending))
            {
                log.LogWarning("Settlement of payment {PaymentKey} failed ({Reason}) in {Transaction} but the chain is not final: {Why}",
                    claim.Id, settled.ErrorReason, sent, (verdict as ChainVerdict.Pending)?.Why ?? "no chain to ask");
                await claims.MarkUnknownAsync(claim, sent);
                throw replies.Unknown();
            }
            await claims.ReleaseAsync(claim.Id);
            throw new ApiException(402, "payment_settlement_failed",
                $"Settlement failed: {settled.ErrorReason ?? "unknown"}{(settled.ErrorMessage is { } m ? $" ({m})" : "")}. Nothing was charged.",
                new Dictionary<string, string> { [X402Headers.PaymentResponse] = X402Headers.Encode(settled) });
        }
        return await settlements.RecordAsync(claim, attempt.Requirement, settled with { Payer = settled.Payer ?? payer }, demand, attempt);
    }

    private IReadOnlyList<PaymentRequirements> Ours(PaymentDemand demand)
    {
        var ours = Requirements.For(payments.Value.Enabled, demand.AmountAtomic);
        return ours.Count > 0 ? ours
            : throw new ApiException(503, "payments_not_configured", "This gateway charges for sessions but has no payment network enabled.");
    }

    /// <summary>The settle failure reason x402 facilitators give for a transaction sent but not yet confirmed.</summary>
    private const string SettlementPending = "settlement_pending";

    public static long AmountOf(PaymentRequirements r) => long.Parse(r.Amount, CultureInfo.InvariantCulture);
}
