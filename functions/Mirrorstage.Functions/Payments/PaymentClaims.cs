using JasperFx;
using Marten;
using Mirrorstage.Events.Payments;

namespace Mirrorstage.Functions.Payments;

/// <summary>The claim a payment holds while it settles. Everything after the insert runs on no request's
/// cancellation token: a client that goes away must not leave a claim half-done.</summary>
public sealed class PaymentClaims(IDocumentStore store, TimeProvider clock)
{
    public async Task<PaymentClaim?> FindAsync(string paymentKey, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<PaymentClaim>(paymentKey, ct);
    }

    /// <returns>False when another request (or an unresolved earlier attempt) holds this payment.</returns>
    public async Task<bool> TryInsertAsync(PaymentClaim claim, CancellationToken ct)
    {
        claim.ClaimedAt = claim.UpdatedAt = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Insert(claim);
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

    /// <summary>No money moved: the payment may be used again.</summary>
    public async Task ReleaseAsync(string paymentKey)
    {
        await using var session = store.LightweightSession();
        session.Delete<PaymentClaim>(paymentKey);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The outcome is not known: the reconciler will ask the chain.</summary>
    public async Task MarkUnknownAsync(PaymentClaim claim, string? transaction)
    {
        claim.State = ClaimStates.Unknown;
        claim.Transaction = transaction ?? claim.Transaction;
        claim.UpdatedAt = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store(claim);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Claims whose outcome nobody is working out now: marked unknown, or settling for longer than any
    /// request could (a crashed gateway).</summary>
    public async Task<IReadOnlyList<PaymentClaim>> UnresolvedAsync(TimeSpan staleAfter, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - staleAfter;
        await using var query = store.QuerySession();
        return await query.Query<PaymentClaim>()
            .Where(c => c.State == ClaimStates.Unknown || c.UpdatedAt < cutoff)
            .OrderBy(c => c.UpdatedAt).Take(100).ToListAsync(ct);
    }

    public async Task TouchAsync(PaymentClaim claim)
    {
        claim.UpdatedAt = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store(claim);
        await session.SaveChangesAsync(CancellationToken.None);
    }
}
