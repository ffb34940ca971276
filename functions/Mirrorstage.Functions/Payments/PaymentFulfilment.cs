using JasperFx;
using Marten;
using Mirrorstage.Events;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Sessions;

namespace Mirrorstage.Functions.Payments;

/// <summary>Turns a settled payment into what it paid for: the session or extension when it can still be served,
/// else credit for the paying wallet; each together with the payment's single-use record and its transaction's
/// in one transaction, the claim removed. Safe to repeat: a payment already recorded is answered as recorded.
/// Never runs on a request's cancellation token.</summary>
public sealed class PaymentFulfilment(IDocumentStore store, OrderEvents orders, WarmRequests warm, TimeProvider clock, ILogger<PaymentFulfilment> log)
{
    /// <returns>The payment's record, or null when the store cannot be reached (the journal keeps the settlement).</returns>
    public async Task<PaymentRecord?> FulfilAsync(PaymentClaim claim, SettledPayment payment, string? settleResponse)
    {
        try
        {
            var record = await RecordOrderAsync(claim, payment, settleResponse);
            if (record.Outcome == PaymentOutcomes.Session) await warm.SendAsync(record.SessionId!);
            return record;
        }
        catch (Exception e) when (StoreFaults.IsUnreachable(e))
        {
            log.LogError(e, "Store unreachable recording payment {PaymentKey} ({Transaction})", claim.Id, payment.Transaction);
            return null;
        }
        catch (Exception e)
        {
            return await InsteadAsync(claim, payment, settleResponse, e);
        }
    }

    public async Task<PaymentRecord?> FindAsync(string paymentKey)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<PaymentRecord>(paymentKey, CancellationToken.None);
    }

    /// <summary>The order could not be recorded: it was recorded already, its transaction paid for another
    /// payment (nothing is granted twice), or the money becomes credit.</summary>
    private async Task<PaymentRecord?> InsteadAsync(PaymentClaim claim, SettledPayment payment, string? settleResponse, Exception cause)
    {
        try
        {
            if (await FindAsync(claim.Id) is { } existing) return existing;
            if (cause is DocumentAlreadyExistsException { DocumentType: var type } && type == typeof(SettledTransaction))
            {
                log.LogError("Payment {PaymentKey}: transaction {Transaction} already paid for another payment; nothing granted", claim.Id, payment.Transaction);
                await using var duplicate = store.LightweightSession();
                duplicate.Insert(Record(claim, PaymentOutcomes.DuplicateTransaction, null, payment, settleResponse));
                duplicate.Delete<PaymentClaim>(claim.Id);
                await duplicate.SaveChangesAsync(CancellationToken.None);
                return await FindAsync(claim.Id);
            }
            var reason = cause is DomainException or Api.ApiException { Status: 404 }
                ? $"{claim.Order.Purpose}_not_servable" : "settled_but_not_recorded";
            log.LogError(cause, "Payment {PaymentKey} settled ({Transaction}) but its {Purpose} could not be recorded; granting credit ({Reason})",
                claim.Id, payment.Transaction, claim.Order.Purpose, reason);
            await using var session = store.LightweightSession();
            var wallet = payment.Payer is { Length: > 0 } p && p != "unknown" ? p : claim.Payer ?? claim.Order.Wallet
                ?? throw new InvalidOperationException($"Payment {claim.Id} settled with no known payer.");
            // The settlement is recorded beside its credit, so the ledger shows the cash that came in and the chain can be asked about it.
            await WalletStreams.AppendAsync(session, wallet, WalletDecider.CreditSettlement(wallet, payment with { Payer = wallet }, claim.Order.Purpose,
                claim.Order.SessionId, reason, clock.GetUtcNow()), CancellationToken.None);
            var record = Record(claim, PaymentOutcomes.Credit, claim.Order.Purpose == "extend" ? claim.Order.SessionId : null, payment, settleResponse);
            record.Wallet = WalletAddress.Normalize(wallet);
            record.CreditedAtomic = payment.AmountAtomic;
            Alongside(session, claim, payment, record);
            await session.SaveChangesAsync(CancellationToken.None);
            return record;
        }
        catch (Exception e) when (StoreFaults.IsUnreachable(e))
        {
            log.LogError(e, "Store unreachable granting credit for payment {PaymentKey}", claim.Id);
            return null;
        }
        catch (DocumentAlreadyExistsException)
        {
            return await FindAsync(claim.Id);
        }
    }

    private async Task<PaymentRecord> RecordOrderAsync(PaymentClaim claim, SettledPayment payment, string? settleResponse)
    {
        var order = claim.Order;
        var now = clock.GetUtcNow();
        var record = Record(claim, order.Purpose == "extend" ? PaymentOutcomes.Extension : PaymentOutcomes.Session, order.SessionId, payment, settleResponse);
        if (order.Purpose == "extend")
        {
            await SessionWrites.DecideAndAppendAsync(store, order.SessionId,
                s => OrderEvents.Extend(s, order, payment, 0, now),
                (session, _) => { Alongside(session, claim, payment, record); return Task.CompletedTask; }, CancellationToken.None);
            return record;
        }
        await using var write = store.LightweightSession();
        write.Events.StartStream<Session>(order.SessionId, orders.Create(order, payment, 0, now));
        Alongside(write, claim, payment, record);
        await write.SaveChangesAsync(CancellationToken.None);
        return record;
    }

    private static void Alongside(IDocumentSession session, PaymentClaim claim, SettledPayment payment, PaymentRecord record)
    {
        session.Insert(record);
        if (payment.Transaction.Length > 0)
            session.Insert(new SettledTransaction { Id = SettledTransaction.KeyOf(payment.Network, payment.Transaction), PaymentKey = claim.Id });
        session.Delete<PaymentClaim>(claim.Id);
    }

    private PaymentRecord Record(PaymentClaim claim, string outcome, string? sessionId, SettledPayment payment, string? settleResponse) => new()
    {
        Id = claim.Id,
        SessionId = sessionId,
        Purpose = claim.Purpose,
        RequestFingerprint = claim.RequestFingerprint,
        ClientKeyHash = claim.ClientKeyHash,
        Outcome = outcome,
        Transaction = payment.Transaction,
        SettleResponse = settleResponse,
        RecordedAt = clock.GetUtcNow(),
    };
}
