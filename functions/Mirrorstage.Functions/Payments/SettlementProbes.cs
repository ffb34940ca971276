using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Reconciliation;

namespace Mirrorstage.Functions.Payments;

/// <summary>Finds the chain probe for a network (from its RpcUrl).</summary>
public interface ISettlementProbes
{
    /// <returns>What the chain says, or null when this network has no RpcUrl to ask.</returns>
    Task<ChainVerdict?> ProbeAsync(PaymentPayload payload, PaymentRequirements requirement, string? knownTransaction);
}

public sealed class SettlementProbes(IOptions<PaymentOptions> options, IHttpClientFactory clients, ILogger<SettlementProbes> log) : ISettlementProbes
{
    private readonly ConcurrentDictionary<string, ISettlementProbe?> _probes = new();

    public async Task<ChainVerdict?> ProbeAsync(PaymentPayload payload, PaymentRequirements requirement, string? knownTransaction)
    {
        if (_probes.GetOrAdd(requirement.Network, Make) is not { } probe) return null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await probe.ProbeAsync(payload, requirement, knownTransaction, timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning(e, "Chain probe for {Network} failed", requirement.Network);
            return new ChainVerdict.Pending("the chain could not be asked: " + e.Message);
        }
    }

    private ISettlementProbe? Make(string network)
    {
        var n = options.Value.Enabled.FirstOrDefault(x => x.Network == network);
        if (n is null || string.IsNullOrWhiteSpace(n.RpcUrl)) return null;
        if (n.IsEvm) return new EvmSettlementProbe(n.RpcUrl, n.ReconcileLookbackBlocks);
        var http = clients.CreateClient("svm-rpc");
        http.BaseAddress = new Uri(n.RpcUrl);
        return new SvmSettlementProbe(http);
    }
}
