using JasperFx;
using Marten;
using Mirrorstage.Events;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Sessions;

namespace Mirrorstage.Functions.Payments;

/// <summary>An order paid from the wallet's credits, proven by its signature over our challenge: the spend, the
/// order's facts and the challenge's single-use record in one transaction. Nothing leaves the gateway, so the
/// request's cancellation may stop it at any point.</summary>
public sealed class CreditPayments(IDocumentStore store, CreditChallenges challenges, OrderEvents orders, WarmRequests warm, TimeProvider clock)
{
    public async Task<PaidFor> PayAsync(HttpRequest request, PaymentDemand demand, PaidOrder order, CancellationToken ct)
    {
        var proof = challenges.Verify(request, demand.CreditWallet, demand.AmountAtomic, demand.RequestFingerprint);
        var key = "credit|" + proof.Nonce;
        await using (var query = store.QuerySession())
        {
            // The challenge and its signature only ever travel between the wallet's owner and us: a retry may have its answer.
            if (await query.LoadAsync<PaymentRecord>(key, ct) is { } record)
                return record.Purpose == demand.Purpose && record.RequestFingerprint == demand.RequestFingerprint
                    ? new PaidFor(record.SessionId!, null)
                    : throw new ApiException(409, "payment_already_used", "This credit challenge was already used; ask for a new one.");
        }

        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        var wallet = await WalletStreams.FetchAsync(session, proof.Wallet, ct);
        try
        {
            wallet.AppendMany(WalletDecider.Spend(wallet.Aggregate, proof.Wallet, demand.AmountAtomic, order.SessionId, demand.Purpose, now));
        }
        catch (DomainException e) when (e.Code == "insufficient_credits")
        {
            PaymentMetrics.FromCredits(e.Code);
            throw new ApiException(402, "insufficient_credits", e.Message + " Pay with x402 instead (PAYMENT-SIGNATURE).");
        }
        if (order.Purpose == "extend")
        {
            var stream = await session.Events.FetchForWriting<Session>(order.SessionId, ct);
            stream.AppendMany(OrderEvents.Extend(stream.Aggregate ?? throw ApiException.NotFound(), order, null, demand.AmountAtomic, now) is { Length: > 0 } extended
                ? extended : throw new InvalidOperationException("An extension always records a fact."));
        }
        else
        {
            session.Events.StartStream<Session>(order.SessionId, orders.Create(order with { Wallet = proof.Wallet }, null, demand.AmountAtomic, now));
        }
        session.Insert(new PaymentRecord
        {
            Id = key, SessionId = order.SessionId, Purpose = demand.Purpose, RequestFingerprint = demand.RequestFingerprint,
            Outcome = PaymentOutcomes.Credits, Wallet = proof.Wallet, RecordedAt = now,
        });
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (DocumentAlreadyExistsException)
        {
            throw new ApiException(409, "payment_already_used", "This credit challenge was already used; ask for a new one.");
        }
        PaymentMetrics.FromCredits();
        if (order.Purpose == "create") await warm.SendAsync(order.SessionId);
        return new PaidFor(order.SessionId, null);
    }
}
