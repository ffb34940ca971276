using Microsoft.Extensions.Options;
using Mirrorstage.X402;
using Mirrorstage.X402.Facilitators;

namespace Mirrorstage.Functions.Payments;

/// <summary>Each enabled network's FacilitatorUrl, as an HTTP facilitator client.</summary>
public sealed class HttpFacilitatorRouter(IOptions<PaymentOptions> options, IHttpClientFactory clients) : IFacilitatorRouter
{
    public IFacilitator For(string network)
    {
        var n = options.Value.Enabled.FirstOrDefault(x => x.Network == network)
                ?? throw new FacilitatorUnavailableException($"Network {network} is not enabled.");
        if (string.IsNullOrWhiteSpace(n.FacilitatorUrl))
            throw new FacilitatorUnavailableException($"Network {network} has no FacilitatorUrl.");
        var http = clients.CreateClient("x402-facilitator");
        http.BaseAddress = new Uri(n.FacilitatorUrl.TrimEnd('/') + "/");
        return new HttpFacilitator(http);
    }
}
