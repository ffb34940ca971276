using System.Net.Sockets;
using Mirrorstage.Infrastructure.Outputs;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>What ffmpeg is handed: the URL with the checked address in place of the host name, and the options
/// that keep the original name where the protocol needs it.</summary>
public sealed record ConnectTarget(string Url, IReadOnlyList<(string Name, string Value)> Options)
{
    public static ConnectTarget Local(string folder) => new(folder, []);
}

/// <summary>The output URL checked again by the worker at connect time (each start and each resume after a
/// failover), by the gateway's own policy: the name is resolved here once, and ffmpeg connects to that address,
/// so neither DNS rebinding nor a name that is public to the gateway but private in the worker's network can
/// turn the output inward.</summary>
public static class OutputConnection
{
    public static async Task<ConnectTarget> ResolveAsync(string outputUrl, OutputHostOptions options, CancellationToken ct)
    {
        if (!Uri.TryCreate(outputUrl, UriKind.Absolute, out var url) || url.Scheme is not ("rtmp" or "rtmps"))
            throw new OutputHostRefused("invalid_output_url", "The output URL is not an rtmp:// or rtmps:// URL.");
        var endpoint = await OutputHosts.ResolveAsync(url, options, ct);
        var address = endpoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        var pinned = $"{url.Scheme}://{address}:{endpoint.Port}{url.PathAndQuery}";

        // RTMP names the server in connect's tcUrl (ingests route virtual hosts by it): keep the original name
        // there. ffmpeg takes the application as the first path element, or the first two when more follow.
        var segments = url.AbsolutePath.Trim('/').Split('/');
        var app = string.Join('/', segments.Take(segments.Length > 2 ? 2 : 1));
        var connect = new List<(string, string)> { ("rtmp_tcurl", $"{url.Scheme}://{url.Authority}/{app}") };
        // TLS: the original name for SNI and the certificate check, not the address.
        if (url.Scheme == "rtmps") connect.Add(("verifyhost", url.IdnHost));
        return new ConnectTarget(pinned, connect);
    }
}
