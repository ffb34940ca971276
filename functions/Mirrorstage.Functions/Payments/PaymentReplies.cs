using System.Text.Json;
using Mirrorstage.Events.Payments;
using Mirrorstage.Functions.Api;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>What a paid request is told once its payment is known to the store, and while it is not.</summary>
public sealed class PaymentReplies
{
    public const int RetryAfterSeconds = 5;

    /// <summary>The request that settled the payment.</summary>
    public PaidFor First(PaymentRecord record, SettleResponse settled, PaymentDemand demand, PaymentAttempt attempt) =>
        record.RequestFingerprint == demand.RequestFingerprint && record.ClientKeyHash == attempt.ClientKeyHash
            ? Outcome(record, settled)
            : Replay(record, demand, attempt);

    /// <summary>A payment already recorded: the same request with the client's own key gets its answer again;
    /// anyone else (a payment rebuilt from public chain data) learns only which session it paid for.</summary>
    public PaidFor Replay(PaymentRecord record, PaymentDemand demand, PaymentAttempt attempt)
    {
        var sameRequest = record.Purpose == demand.Purpose && record.RequestFingerprint == demand.RequestFingerprint;
        // An extension answers no secret (the caller already proved the session's token), so its retry needs no key.
        var sameClient = demand.Purpose == "extend" || (record.ClientKeyHash is not null && record.ClientKeyHash == attempt.ClientKeyHash);
        if (sameRequest && sameClient) return Outcome(record, Decode(record.SettleResponse));
        throw record.Outcome switch
        {
            PaymentOutcomes.Credit => new ApiException(409, "payment_already_used",
                $"This payment settled ({record.Transaction}) and is kept as {record.CreditedAtomic} atomic units of credit for wallet {record.Wallet}; pay with wallet={record.Wallet} to use it."),
            PaymentOutcomes.DuplicateTransaction => new ApiException(409, "payment_already_used",
                "The settlement named a transaction that already paid for another payment; sign a new one."),
            _ => new ApiException(409, "payment_already_used",
                $"This payment already paid for session {record.SessionId}. Only a retry of that request with its {ClientKeys.Header} gets it back; for a new request, sign a new payment.")
            {
                SessionId = record.SessionId,
            },
        };
    }

    public ApiException InProgress(PaymentClaim? claim) => new(409, "payment_in_progress",
        claim?.State == ClaimStates.Unknown
            ? "This payment's settlement is being confirmed from the chain. Do not sign a new payment; retry this request with the same PAYMENT-SIGNATURE and Idempotency-Key after Retry-After."
            : "This payment is being settled by another request. Retry this request with the same PAYMENT-SIGNATURE and Idempotency-Key after Retry-After.",
        RetryAfter());

    public ApiException Unknown() => new(503, "settlement_unknown",
        "The payment's settlement could not be confirmed; the gateway is confirming it from the chain. Do not sign a new payment: " +
        $"retry this request with the same PAYMENT-SIGNATURE and {ClientKeys.Header} after Retry-After to get the session, or learn that it became credit or that nothing was charged.",
        RetryAfter());

    public ApiException NotYetRecorded(string transaction) => new(503, "settled_not_yet_recorded",
        $"Your payment settled ({transaction}). The gateway's store is unavailable; the settlement is kept in its journal and becomes your session (or credit) " +
        $"when the store is back. Retry this request with the same PAYMENT-SIGNATURE and {ClientKeys.Header} after Retry-After.",
        RetryAfter());

    private static PaidFor Outcome(PaymentRecord record, SettleResponse? settled) => record.Outcome switch
    {
        PaymentOutcomes.Session or PaymentOutcomes.Extension or PaymentOutcomes.Credits => new PaidFor(record.SessionId!, settled),
        PaymentOutcomes.Credit when record.Purpose == "extend" => throw new ApiException(409, "session_not_extendable",
            $"The session ended before the extension could be recorded; the payment ({record.Transaction}) is kept as {record.CreditedAtomic} atomic units of credit for wallet {record.Wallet}."),
        PaymentOutcomes.Credit => throw new ApiException(503, "session_not_recorded",
            $"Your payment settled ({record.Transaction}) but the session could not be recorded. The amount is kept as credit for wallet {record.Wallet}; retry with wallet={record.Wallet} to use it."),
        _ => throw new ApiException(409, "payment_already_used", "The settlement named a transaction that already paid for another payment; sign a new one."),
    };

    private static Dictionary<string, string> RetryAfter() => new() { ["Retry-After"] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static SettleResponse? Decode(string? header)
    {
        if (header is null) return null;
        try
        {
            return JsonSerializer.Deserialize<SettleResponse>(Convert.FromBase64String(header), X402Json.Options);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
