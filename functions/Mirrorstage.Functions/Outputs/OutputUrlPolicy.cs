using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Outputs;

/// <summary>Where a session's video goes: LiveKit, an RTMP(S) ingest, or the gateway's local HLS preview.</summary>
public sealed record OutputTarget(string Protocol, string? Url)
{
    public const string LiveKit = "livekit";
    public const string Rtmp = "rtmp";
    public const string Hls = "hls";
}

/// <summary>Checks output_url. The worker will connect to it, so hosts on internal networks are refused
/// (SSRF) unless the operator allows them.</summary>
public sealed class OutputUrlPolicy(IOptions<GatewayOptions> gateway, IOptions<LiveKitOptions> liveKit)
{
    private const int MaxLength = 2048;

    /// <summary>The output, with the caller's LiveKit token (if any) checked against it.</summary>
    public async Task<OutputTarget> ResolveAsync(string? raw, string? livekitToken, CancellationToken ct)
    {
        var output = LiveKitRooms.IsGatewayUrl(raw, liveKit.Value) && livekitToken is null
            ? new OutputTarget(OutputTarget.LiveKit, null)
            : await ResolveAsync(raw, ct);
        LiveKitRooms.Check(output, livekitToken, liveKit.Value);
        return output;
    }

    public async Task<OutputTarget> ResolveAsync(string? raw, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return liveKit.Value.Enabled ? new OutputTarget(OutputTarget.LiveKit, null) : new OutputTarget(OutputTarget.Hls, null);

        if (raw.Length > MaxLength || !Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw ApiException.BadRequest("invalid_output_url", "output_url must be an absolute rtmp://, rtmps:// or wss:// URL.");

        var protocol = uri.Scheme switch
        {
            "rtmp" or "rtmps" => OutputTarget.Rtmp,
            "wss" => OutputTarget.LiveKit,
            _ => throw ApiException.BadRequest("invalid_output_url", $"output_url scheme '{uri.Scheme}' is not supported; use rtmp://, rtmps:// or wss://."),
        };

        if (!gateway.Value.AllowPrivateOutputHosts)
            await EnsurePublicHostAsync(uri, ct);
        return new OutputTarget(protocol, uri.AbsoluteUri);
    }

    private static async Task EnsurePublicHostAsync(Uri uri, CancellationToken ct)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.DnsSafeHost, out var literal))
            addresses = [literal];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                addresses = await Dns.GetHostAddressesAsync(uri.DnsSafeHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw ApiException.BadRequest("output_host_unresolvable", $"The output_url host '{uri.Host}' does not resolve.");
            }
        }
        if (addresses.Length == 0 || addresses.Any(IsInternal))
            throw ApiException.BadRequest("output_url_not_allowed", $"The output_url host '{uri.Host}' is on a private, loopback or link-local network.");
    }

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)
                   || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                   || (b[0] & 0xFE) == 0xFC; // unique local fc00::/7
        }
        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => true,
            100 => v4[1] is >= 64 and <= 127,          // carrier-grade NAT
            169 => v4[1] == 254,                       // link-local, cloud metadata
            172 => v4[1] is >= 16 and <= 31,
            192 => v4[1] == 168 || (v4[1] == 0 && v4[2] is 0 or 2),
            198 => v4[1] is 18 or 19,                  // benchmarking nets
            >= 224 => true,                            // multicast, reserved, broadcast
            _ => false,
        };
    }
}
