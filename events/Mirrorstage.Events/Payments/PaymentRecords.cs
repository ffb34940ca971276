using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Events.Payments;

public static class ClaimStates
{
    /// <summary>A request is verifying or settling it now.</summary>
    public const string Settling = "settling";
    /// <summary>Settlement was attempted and its outcome is not known: only the chain can say (the reconciler asks).</summary>
    public const string Unknown = "unknown";
}

/// <summary>Written before anything is sent to a facilitator or the chain, with the whole payload and what it
/// pays for, so that whatever happens next (client gone, facilitator timeout, crash) the outcome can be settled
/// from the chain and turned into the session, a credit, or a released claim. Inserting it is also the lock: a
/// second request with the same payment fails the insert.</summary>
public sealed class PaymentClaim
{
    public string Id { get; set; } = "";             // the payment's identity (PaymentIdentity.Key)
    public string Network { get; set; } = "";
    public string? Payer { get; set; }
    public string Purpose { get; set; } = "";
    public string RequestFingerprint { get; set; } = "";
    /// <summary>SHA-256 of the client's Idempotency-Key (or x402 payment-identifier); only it unlocks the token on a retry.</summary>
    public string? ClientKeyHash { get; set; }
    /// <summary>The PAYMENT-SIGNATURE header as received (canonical base64 of the PaymentPayload).</summary>
    public string Payload { get; set; } = "";
    /// <summary>Our requirement it was matched to, as JSON.</summary>
    public string Requirement { get; set; } = "";
    public PaidOrder Order { get; set; } = new();
    public string State { get; set; } = ClaimStates.Settling;
    /// <summary>A transaction known to carry it (self-settlement's broadcast hash), if any.</summary>
    public string? Transaction { get; set; }
    public DateTimeOffset ClaimedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What a payment buys, complete enough to be fulfilled later without the request that made it.</summary>
public sealed record PaidOrder
{
    public string Purpose { get; set; } = "";        // "create" | "extend"
    public string SessionId { get; set; } = "";      // allocated before settling, so a late fulfilment keeps it
    public long PriceAtomic { get; set; }
    public string? Wallet { get; set; }
    public ReferenceImage? Reference { get; set; }
    public string OutputProtocol { get; set; } = "";
    public string? OutputUrl { get; set; }
    public int Minutes { get; set; }                 // session duration, or the extension's minutes
    public int FreeMinutes { get; set; }             // of a created session's minutes, the free ones (refund rules)
}

public static class PaymentOutcomes
{
    public const string Session = "session";
    public const string Extension = "extension";
    public const string Credit = "credit";
    public const string Credits = "credits";
    /// <summary>The facilitator named a transaction that already paid for another payment: nothing is granted.</summary>
    public const string DuplicateTransaction = "duplicate_transaction";
}

/// <summary>Written in the same transaction as the events a settled payment paid for; its id is unique,
/// so one payment can never pay for two things.</summary>
public sealed class PaymentRecord
{
    public string Id { get; set; } = "";
    public string? SessionId { get; set; }
    public string Purpose { get; set; } = "";
    public string RequestFingerprint { get; set; } = "";
    public string? ClientKeyHash { get; set; }
    public string Outcome { get; set; } = PaymentOutcomes.Session;
    public string? Transaction { get; set; }
    public string? Wallet { get; set; }
    public long CreditedAtomic { get; set; }
    /// <summary>The PAYMENT-RESPONSE header first sent, handed back on an idempotent retry.</summary>
    public string? SettleResponse { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>One row per settled transaction (network + transaction id): a transaction pays for one payment only,
/// whatever a facilitator reports.</summary>
public sealed class SettledTransaction
{
    public string Id { get; set; } = "";
    public string PaymentKey { get; set; } = "";

    public static string KeyOf(string network, string transaction) =>
        network + "|" + (network.StartsWith("eip155:", StringComparison.Ordinal) ? transaction.ToLowerInvariant() : transaction);
}
