using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Mirrorstage.Infrastructure.Outputs;

/// <summary>Where outputs may connect, bound from "Mirrorstage:Outputs" by the gateway and the worker alike.</summary>
public sealed class OutputHostOptions
{
    public const string Section = "Mirrorstage:Outputs";

    /// <summary>Allow loopback and private hosts (local mode, tests). Link-local and metadata addresses stay refused.</summary>
    public bool AllowPrivateHosts { get; set; }

    /// <summary>Comma-separated ports an output may use (RTMP 1935, RTMPS and WSS 443 by default).</summary>
    public string AllowedPorts { get; set; } = "1935,443";

    public IReadOnlySet<int> Ports() => AllowedPorts
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToHashSet();
}

/// <summary>An output host refused by the policy, with the API's error code.</summary>
public sealed class OutputHostRefused(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>The address an output connects to: resolved once, checked, and then the one used.</summary>
public sealed record OutputEndpoint(Uri Url, IPAddress Address, int Port);

public static class OutputHosts
{
    public static int DefaultPort(string scheme) => scheme switch { "rtmp" => 1935, _ => 443 };

    /// <summary>Resolves the URL's host once and checks the port and every address it resolves to; the caller
    /// connects to the returned address, never to the name again (a second lookup could answer differently).</summary>
    public static async Task<OutputEndpoint> ResolveAsync(Uri url, OutputHostOptions options, CancellationToken ct)
    {
        var port = url.IsDefaultPort || url.Port < 0 ? DefaultPort(url.Scheme) : url.Port;
        if (!options.Ports().Contains(port))
            throw new OutputHostRefused("output_port_not_allowed", $"output_url port {port} is not allowed; use one of {options.AllowedPorts}.");

        IPAddress[] addresses;
        if (IPAddress.TryParse(url.DnsSafeHost, out var literal)) addresses = [literal];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                addresses = await Dns.GetHostAddressesAsync(url.DnsSafeHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new OutputHostRefused("output_host_unresolvable", $"The output_url host '{url.Host}' does not resolve.");
            }
        }
        if (addresses.Length == 0)
            throw new OutputHostRefused("output_host_unresolvable", $"The output_url host '{url.Host}' does not resolve.");
        if (addresses.Any(a => !OutputAddresses.Allowed(a, options.AllowPrivateHosts)))
            throw new OutputHostRefused("output_url_not_allowed",
                $"The output_url host '{url.Host}' is on a private, loopback or link-local network.");
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        return new OutputEndpoint(url, chosen, port);
    }
}

public static class OutputHostServices
{
    /// <summary>The output policy's settings, for the gateway and the worker (the same section in all-in-one).</summary>
    public static void AddOutputHosts(this IServiceCollection services) =>
        services.AddOptions<OutputHostOptions>().BindConfiguration(OutputHostOptions.Section)
            .Validate(o => Valid(o.AllowedPorts), "Mirrorstage:Outputs:AllowedPorts must be comma-separated port numbers (1-65535).")
            .ValidateOnStart();

    private static bool Valid(string ports) =>
        ports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            is { Length: > 0 } parts && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65536);
}
