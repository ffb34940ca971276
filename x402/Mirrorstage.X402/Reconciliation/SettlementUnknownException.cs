using Mirrorstage.X402.Facilitators;

namespace Mirrorstage.X402.Reconciliation;

/// <summary>Settlement was attempted and may or may not have moved the money (broadcast but unconfirmed, an RPC
/// error after sending, a receipt that never came). Not "nothing was charged": only the chain can tell.</summary>
public sealed class SettlementUnknownException(string message, string? transaction, Exception? inner = null)
    : FacilitatorUnavailableException(message, inner)
{
    /// <summary>The transaction that was broadcast, when known.</summary>
    public string? Transaction { get; } = transaction;
}
