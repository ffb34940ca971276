using System.Collections.Concurrent;
using Mirrorstage.Functions.Payments;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Reconciliation;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>The chain as a test scripts it: a verdict per EIP-3009 nonce; unscripted payments have no chain to ask.
/// The real probes are exercised against anvil by the conformance suite.</summary>
public sealed class ScriptedProbes : ISettlementProbes
{
    private readonly ConcurrentDictionary<string, ChainVerdict> _verdicts = new();
    public ConcurrentBag<string?> AskedWithTransaction { get; } = [];

    public void Say(string nonce, ChainVerdict verdict) => _verdicts[nonce.ToLowerInvariant()] = verdict;

    public Task<ChainVerdict?> ProbeAsync(PaymentPayload payload, PaymentRequirements requirement, string? knownTransaction)
    {
        AskedWithTransaction.Add(knownTransaction);
        var nonce = payload.Payload["authorization"]?["nonce"]?.GetValue<string>()?.ToLowerInvariant();
        return Task.FromResult(nonce is not null && _verdicts.TryGetValue(nonce, out var v) ? v : null);
    }
}
