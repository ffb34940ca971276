using System.Text.Json;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>A settlement that succeeded: into the journal (fsync'd) first, then into the store, then out of the
/// journal. When the store cannot take it now, the journal keeps it and the client is told to come back.</summary>
public sealed class PaymentSettlements(PaymentJournal journal, PaymentFulfilment fulfilment, PaymentReplies replies, TimeProvider clock, ILogger<PaymentSettlements> log)
{
    public Task<PaymentRecord?> FindRecordAsync(string paymentKey) => fulfilment.FindAsync(paymentKey);

    public async Task<PaidFor> RecordAsync(PaymentClaim claim, PaymentRequirements requirement, SettleResponse settled, PaymentDemand demand, PaymentAttempt attempt)
    {
        var response = X402Headers.Encode(settled);
        var record = await JournalAndFulfilAsync(claim, requirement, settled, response)
            ?? throw replies.NotYetRecorded(settled.Transaction);
        return replies.First(record, settled, demand, attempt);
    }

    /// <returns>The payment's record, or null when only the journal holds it for now.</returns>
    public async Task<PaymentRecord?> JournalAndFulfilAsync(PaymentClaim claim, PaymentRequirements requirement, SettleResponse settled, string response)
    {
        var payment = new SettledPayment(requirement.Network, settled.Payer ?? claim.Payer ?? "unknown", requirement.Asset,
            PaymentGate.AmountOf(requirement), settled.Transaction, claim.Id, requirement.PayTo);
        var entry = new JournalEntry(claim, payment, response, clock.GetUtcNow());
        var journaled = true;
        try
        {
            await journal.WriteAsync(entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            journaled = false;
            log.LogCritical(e, "Payment journal unwritable; settlement {Entry} relies on the store alone", JsonSerializer.Serialize(entry));
        }

        var record = await fulfilment.FulfilAsync(claim, payment, response);
        if (record is null)
        {
            if (!journaled) log.LogCritical("Settlement {Entry} is neither journaled nor recorded: reconcile it from the chain", JsonSerializer.Serialize(entry));
            return null;
        }
        if (journaled) journal.Remove(claim.Id);
        return record;
    }
}
