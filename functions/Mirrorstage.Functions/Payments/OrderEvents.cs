using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Payments;

/// <summary>The facts an order becomes once paid (by a settlement, by credits, or for free): one place, used by
/// the request, the journal replay and the reconciler alike.</summary>
public sealed class OrderEvents(SessionTokens tokens)
{
    public object[] Create(PaidOrder order, SettledPayment? payment, long creditsAtomic, DateTimeOffset now) =>
        SessionDecider.Decide(new CreateSession(
            order.SessionId,
            TokenHashes.Of(tokens.SessionToken(order.SessionId)),
            TokenHashes.Of(tokens.ShareToken(order.SessionId, 1)),
            order.Reference ?? throw new InvalidOperationException("A create order carries its reference image."),
            order.OutputProtocol,
            order.OutputUrl,
            order.Minutes,
            order.PriceAtomic,
            WalletOf(order, payment),
            payment,
            creditsAtomic,
            now,
            FreeMinutes: order.FreeMinutes));

    public static object[] Extend(Session state, PaidOrder order, SettledPayment? payment, long creditsAtomic, DateTimeOffset now) =>
        SessionDecider.Decide(state, new ExtendSession(order.Minutes, order.PriceAtomic, payment?.Payer ?? order.Wallet, payment, now, creditsAtomic));

    /// <summary>The paying wallet names the session's wallet; a free session keeps the one the form named.</summary>
    public static string? WalletOf(PaidOrder order, SettledPayment? payment) =>
        payment?.Payer is { Length: > 0 } payer && payer != "unknown" ? WalletAddress.Normalize(payer)
        : order.Wallet is { } w ? WalletAddress.Normalize(w) : null;
}
