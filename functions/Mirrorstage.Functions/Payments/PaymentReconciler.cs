using System.Text.Json;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Payments;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Reconciliation;

namespace Mirrorstage.Functions.Payments;

public sealed class ReconcilerOptions
{
    public const string Section = "Mirrorstage:Payments:Reconciler";
    public int IntervalSeconds { get; set; } = 15;
    /// <summary>A claim still "settling" after this long belongs to no live request (a crashed gateway).</summary>
    public int StaleAfterSeconds { get; set; } = 180;
}

/// <summary>Settles every payment whose outcome is unknown from the chain itself: money that moved becomes the
/// session (or credit, when the order can no longer be served); a payment that can never move is released.
/// Nothing waits for an operator. Any number of gateways may run it: the payment's unique record decides.</summary>
public sealed class PaymentReconciler(PaymentClaims claims, ISettlementProbes probes, PaymentSettlements settlements,
    IOptions<ReconcilerOptions> options, IOptions<PaymentOptions> payments, IOptions<Events.Pricing.PricingOptions> pricing,
    TimeProvider clock, ILogger<PaymentReconciler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (pricing.Value.Charges)
            foreach (var n in payments.Value.Enabled.Where(n => string.IsNullOrWhiteSpace(n.RpcUrl)))
                log.LogWarning("Network {Network} has no RpcUrl: a settlement whose outcome is lost (a facilitator timeout, a gateway " +
                               "gone mid-settlement with its journal) cannot be settled from the chain and waits for an operator", n.Network);
        var every = TimeSpan.FromSeconds(Math.Max(1, options.Value.IntervalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Payment reconcile failed; trying again");
            }
            await Task.Delay(every, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async Task ReconcileAsync(CancellationToken ct)
    {
        foreach (var claim in await claims.UnresolvedAsync(TimeSpan.FromSeconds(options.Value.StaleAfterSeconds), ct))
        {
            if (!X402Headers.TryDecodePayload(claim.Payload, out var payload, out _)
                || JsonSerializer.Deserialize<PaymentRequirements>(claim.Requirement, X402Json.Options) is not { } requirement)
            {
                log.LogError("Claim {PaymentKey} holds an unreadable payload", claim.Id);
                continue;
            }
            var verdict = await probes.ProbeAsync(payload, requirement, claim.Transaction);
            switch (verdict)
            {
                case null:
                    log.LogWarning("Claim {PaymentKey} on {Network} cannot be reconciled: the network has no RpcUrl", claim.Id, claim.Network);
                    break;
                case ChainVerdict.Moved moved:
                    var settled = new SettleResponse(true, moved.Transaction, requirement.Network, moved.Payer ?? claim.Payer, Amount: requirement.Amount);
                    var record = await settlements.JournalAndFulfilAsync(claim, requirement, settled, X402Headers.Encode(settled));
                    log.LogInformation("Claim {PaymentKey} settled on chain in {Transaction}: {Outcome}", claim.Id, moved.Transaction, record?.Outcome ?? "journaled");
                    break;
                case ChainVerdict.NotMoved notMoved:
                    log.LogInformation("Claim {PaymentKey} released: {Why}", claim.Id, notMoved.Why);
                    await claims.ReleaseAsync(claim.Id);
                    break;
                case ChainVerdict.Pending pending:
                    log.LogInformation("Claim {PaymentKey} still pending: {Why}", claim.Id, pending.Why);
                    if (claim.State != ClaimStates.Unknown) await claims.MarkUnknownAsync(claim, claim.Transaction);
                    break;
            }
        }
    }
}
