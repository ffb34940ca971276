using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Mirrorstage.X402;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Facilitators;

namespace Mirrorstage.Functions.Payments;

/// <summary>Each enabled network settles either through its remote facilitator (FacilitatorUrl) or, for EVM
/// networks with Settlement=self, through the gateway's own relayer, whose nonces a PostgreSQL advisory lock
/// serialises across gateway processes.</summary>
public sealed class FacilitatorRouter(IOptions<PaymentOptions> options, IHttpClientFactory clients, TimeProvider clock, IRelayerNonceLock nonceLock) : IFacilitatorRouter
{
    private readonly ConcurrentDictionary<string, IFacilitator> _selfSettlers = new();

    public IFacilitator For(string network)
    {
        var n = options.Value.Enabled.FirstOrDefault(x => x.Network == network)
                ?? throw new FacilitatorUnavailableException($"Network {network} is not enabled.");
        if (n.SelfSettles) return _selfSettlers.GetOrAdd(network, _ => SelfSettler(n));
        if (string.IsNullOrWhiteSpace(n.FacilitatorUrl))
            throw new FacilitatorUnavailableException($"Network {network} has no FacilitatorUrl.");
        var http = clients.CreateClient("x402-facilitator");
        http.BaseAddress = new Uri(n.FacilitatorUrl.TrimEnd('/') + "/");
        return new HttpFacilitator(http);
    }

    private IFacilitator SelfSettler(NetworkOptions n)
    {
        if (!n.IsEvm || string.IsNullOrWhiteSpace(n.RpcUrl) || !Hex.TryDecode(n.RelayerPrivateKey, 32, out var key))
            throw new FacilitatorUnavailableException($"Network {n.Network}: self-settlement needs an EVM network, RpcUrl and a 32-byte RelayerPrivateKey.");
        var rpc = new Nethereum.JsonRpc.Client.RpcClient(new Uri(n.RpcUrl), clients.CreateClient("evm-rpc"));
        return new SelfSettlingEvmFacilitator(rpc, key, clock, TimeSpan.FromSeconds(n.ReceiptTimeoutSeconds), nonceLock);
    }
}
