using Marten;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Payments;

/// <summary>Money that settled but bought nothing becomes credit for the paying wallet; it is never lost.</summary>
public sealed class CreditGrants(IDocumentStore store, TimeProvider clock, ILogger<CreditGrants> log)
{
    public async Task<ApiException> KeepPaymentAsCreditAsync(PaymentResult.Settled settled, string sessionId, Exception cause)
    {
        var p = settled.Payment;
        log.LogError(cause, "Payment {PaymentKey} settled ({Transaction}) but session {SessionId} was not recorded; granting credit",
            p.PaymentKey, p.Transaction, sessionId);
        var events = WalletDecider.Grant(p.Payer, p.AmountAtomic, "settled_but_not_recorded", sessionId, p.PaymentKey, clock.GetUtcNow());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                session.Events.Append(WalletAddress.StreamKey(p.Payer), events);
                await session.SaveChangesAsync(CancellationToken.None);
                break;
            }
            catch (Exception e) when (attempt < 5)
            {
                log.LogWarning(e, "Credit grant for {PaymentKey} failed, attempt {Attempt}", p.PaymentKey, attempt);
                await Task.Delay(200 * attempt);
            }
        }
        return new ApiException(503, "session_not_recorded",
            $"Your payment settled ({p.Transaction}) but the session could not be recorded. The amount is kept as credit for wallet {p.Payer}; retry with wallet={p.Payer} to use it.");
    }
}
