namespace Mirrorstage.Events.Wallets;

// Facts on a wallet stream (stream key = "wallet:" + normalised address). Settled money that bought nothing
// is recorded here too: its PaymentSettled, then the CreditGranted it became (WalletDecider.CreditSettlement).

/// <summary>Credit the wallet holds with us: a refund for a session that never went live,
/// or a settled payment whose session could not be recorded. Money is never lost.</summary>
public sealed record CreditGranted(string Wallet, long AmountAtomic, string Reason, string? SessionId, string? PaymentKey, DateTimeOffset GrantedAt);

public sealed record CreditSpent(string Wallet, long AmountAtomic, string SessionId, string Purpose, DateTimeOffset SpentAt);
