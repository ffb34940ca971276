using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Mirrorstage.Functions.Api;

/// <summary>Behind a reverse proxy (nginx, an ingress, a load balancer) a connection's address is the proxy's:
/// every client would spend one fair-use budget, and URLs built from the request would say http. The proxies named
/// in "Mirrorstage:Gateway:TrustedProxies" (addresses or CIDR networks) are believed: X-Forwarded-For and
/// X-Forwarded-Proto are read hop by hop from the right for as long as the hop is one of them. With none named the
/// headers are ignored, so a client cannot choose its own address. The Azure Functions worker does not need this:
/// its ASP.NET Core integration applies the host's forwarding itself.</summary>
public static class ProxyHeaders
{
    public static void AddProxyHeaders(this IServiceCollection services) =>
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            var trusted = gateway.Value.TrustedProxies.Select(Parse).ToList();
            foreach (var network in trusted) o.KnownIPNetworks.Add(network!.Value);
            o.ForwardedHeaders = trusted.Count > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            o.ForwardLimit = null; // every trusted hop, however many
        });

    /// <summary>Before everything else, so that the limits, the logs and the URLs see the client.</summary>
    public static void UseProxyHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>An address (one host) or a CIDR network; null for anything else.</summary>
    public static IPNetwork? Parse(string entry)
    {
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network)) return network;
        if (!IPAddress.TryParse(text, out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPNetwork(address, address.GetAddressBytes().Length * 8);
    }
}
