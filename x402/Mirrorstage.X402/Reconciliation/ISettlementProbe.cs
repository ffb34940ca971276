using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Reconciliation;

/// <summary>What the chain says about one payment whose settlement outcome is not known.</summary>
public abstract record ChainVerdict
{
    /// <summary>The money moved to payTo, in this transaction (ours, a facilitator's, or anyone's who submitted it).</summary>
    public sealed record Moved(string Transaction, string? Payer) : ChainVerdict;

    /// <summary>The money did not move and this payment can never move it now.</summary>
    public sealed record NotMoved(string Why) : ChainVerdict;

    /// <summary>Not decided yet (the authorization or blockhash is still valid, or the node did not answer).</summary>
    public sealed record Pending(string Why) : ChainVerdict;
}

/// <summary>Asks the chain itself whether a payment settled.</summary>
public interface ISettlementProbe
{
    Task<ChainVerdict> ProbeAsync(PaymentPayload payload, PaymentRequirements requirement, string? knownTransaction, CancellationToken ct);
}
