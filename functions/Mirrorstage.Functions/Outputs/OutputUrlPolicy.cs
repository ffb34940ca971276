using Microsoft.Extensions.Options;
using Mirrorstage.Infrastructure.Outputs;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Outputs;

/// <summary>Where a session's video goes: LiveKit, an RTMP(S) ingest, or the gateway's local HLS preview.</summary>
public sealed record OutputTarget(string Protocol, string? Url)
{
    public const string LiveKit = "livekit";
    public const string Rtmp = "rtmp";
    public const string Hls = "hls";
}

/// <summary>Checks output_url. The worker will connect to it, so hosts on internal networks and unlisted ports
/// are refused (SSRF) by the one policy the worker applies again each time it connects.</summary>
public sealed class OutputUrlPolicy(IOptions<OutputHostOptions> hosts, IOptions<LiveKitOptions> liveKit)
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

        try
        {
            await OutputHosts.ResolveAsync(uri, hosts.Value, ct);
        }
        catch (OutputHostRefused e)
        {
            throw ApiException.BadRequest(e.Code, e.Message);
        }
        return new OutputTarget(protocol, uri.AbsoluteUri);
    }
}
