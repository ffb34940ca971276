using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>Settlements on a wallet's stream are money that bought nothing (the session or extension could not be
/// recorded or served): each must have become credit, a CreditGranted of its payment key, wallet and amount. One
/// without it is cash that came in for nothing anyone can see.</summary>
internal static class CreditedSettlements
{
    /// <param name="events">A session id's wallet-side events: its wallet-stream settlements, credits granted and spent.</param>
    public static IEnumerable<string> Unmatched(IEnumerable<(RawEvent Event, object Data)> events)
    {
        var list = events.ToList();
        var credits = list.Select(e => e.Data).OfType<CreditGranted>().Where(g => g.PaymentKey is not null)
            .Select(g => (g.PaymentKey, g.Wallet, g.AmountAtomic)).ToList();
        foreach (var (e, data) in list)
        {
            if (data is not PaymentSettled p || credits.Remove((p.PaymentKey, WalletAddress.Normalize(p.Payer), p.AmountAtomic))) continue;
            yield return $"{e.Name} settled {p.AmountAtomic} in {p.Transaction} on {p.Network} for payment {p.PaymentKey} and bought nothing, " +
                "but no credit of that amount records it";
        }
    }
}
