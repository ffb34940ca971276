using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;
using Mirrorstage.X402;

namespace Mirrorstage.Functions.Payments;

/// <summary>Records the journal's settlements once the store takes them again (also those a crashed gateway left
/// behind at start). Entries younger than a few seconds belong to requests still recording them. A gateway that
/// charges does not start without a writable journal.</summary>
public sealed class PaymentJournalReplayer(PaymentJournal journal, PaymentFulfilment fulfilment, IOptions<PaymentJournalOptions> options,
    IOptions<PricingOptions> pricing, IOptions<PaymentOptions> payments, TimeProvider clock, ILogger<PaymentJournalReplayer> log) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (pricing.Value.Charges && payments.Value.Enabled.Any()) await journal.EnsureWritableAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, options.Value.ReplaySeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReplayAsync(every);
            }
            catch (Exception e)
            {
                log.LogError(e, "Payment journal replay failed; trying again");
            }
            await Task.Delay(every, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async Task<int> ReplayAsync(TimeSpan minAge)
    {
        var replayed = 0;
        foreach (var entry in journal.ReadAll().Where(e => clock.GetUtcNow() - e.WrittenAt >= minAge))
        {
            if (await fulfilment.FulfilAsync(entry.Claim, entry.Payment, entry.SettleResponse) is not { } record) return replayed;
            log.LogInformation("Journaled payment {PaymentKey} recorded as {Outcome} {SessionId}", entry.Claim.Id, record.Outcome, record.SessionId);
            journal.Remove(entry.Claim.Id);
            replayed++;
        }
        return replayed;
    }
}
