namespace Mirrorstage.Events.Payments;

/// <summary>Held while one request settles a payment payload. Inserting it is the lock: a second request
/// with the same payload fails the insert and is refused before anything is sent to the chain.</summary>
public sealed class PaymentClaim
{
    public string Id { get; set; } = "";            // payment key: network + payer + nonce, or transaction hash
    public string RequestFingerprint { get; set; } = "";
    public string Purpose { get; set; } = "";
    public string? SessionId { get; set; }           // set once the session (or extension) is recorded
    public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>Written in the same transaction as the events a settled payment paid for; its id is unique,
/// so one payload can never pay for two things.</summary>
public sealed class PaymentRecord
{
    public string Id { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string Purpose { get; set; } = "";
    public string RequestFingerprint { get; set; } = "";
    public string Transaction { get; set; } = "";
    /// <summary>The PAYMENT-RESPONSE header first sent, handed back on an idempotent retry.</summary>
    public string? SettleResponse { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
