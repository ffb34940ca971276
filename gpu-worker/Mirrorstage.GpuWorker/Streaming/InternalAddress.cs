using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>Where other replicas reach this one's sockets. "auto" (Container Apps, Kubernetes: each replica has its
/// own address in the environment's network but no name of its own) takes this host's first non-loopback IPv4
/// address and the port the worker listens on.</summary>
public static class InternalAddress
{
    public static string? Resolve(string? configured, string? listenUrls)
    {
        if (!string.Equals(configured, "auto", StringComparison.OrdinalIgnoreCase)) return configured;
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new InvalidOperationException("Mirrorstage:Worker:InternalUrl is auto, but this host has no non-loopback IPv4 address.");
        return $"http://{address}:{PortOf(listenUrls)}";
    }

    /// <summary>The port of the first URL the server listens on (ASPNETCORE_URLS, e.g. http://+:8080); 8080 when unset.</summary>
    public static int PortOf(string? listenUrls)
    {
        var first = listenUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null) return 8080;
        var colon = first.LastIndexOf(':');
        return colon > 0 && int.TryParse(first[(colon + 1)..].TrimEnd('/'), out var port) ? port : 8080;
    }
}
