using Mirrorstage.Events.LiveKit;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Outputs;

/// <summary>Which LiveKit room a session publishes into. With output_url omitted (or naming the gateway's own
/// LiveKit) it is the gateway's room `mirrorstage-{session}`, with tokens we mint. Any other wss:// server is the
/// caller's: the caller's `livekit_token` lets the worker join it. A LiveKit output that cannot work is refused
/// here, before any payment.</summary>
public static class LiveKitRooms
{
    public const int MaxTokenLength = 8192;

    public static bool IsGatewayUrl(string? raw, LiveKitOptions liveKit) =>
        liveKit.Enabled && raw is not null && Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri)
        && Uri.TryCreate(liveKit.Url, UriKind.Absolute, out var own)
        && Uri.Compare(uri, own, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Throws the 400 for a combination of output and token that cannot publish.</summary>
    public static void Check(OutputTarget output, string? token, LiveKitOptions liveKit)
    {
        if (token is not null && output.Protocol != OutputTarget.LiveKit)
            throw ApiException.BadRequest("livekit_token_without_livekit_output", "livekit_token is only for a wss:// output_url (your LiveKit room); omit it for RTMP or the preview.");
        if (output.Protocol != OutputTarget.LiveKit) return;
        if (output.Url is null)
        {
            if (!liveKit.Enabled)
                throw ApiException.BadRequest("livekit_not_configured", "This gateway has no LiveKit configured; send output_url=wss://... with your room's livekit_token, or an rtmp:// output_url.");
            return;
        }
        if (token is null)
            throw ApiException.BadRequest(liveKit.Enabled ? "livekit_token_required" : "livekit_not_configured",
                "output_url names a LiveKit server that is not this gateway's: send livekit_token, an access token for your room that lets the avatar publish.");
        if (token.Length > MaxTokenLength || LiveKitTokens.ReadClaims(token) is not { } claims
            || !claims.TryGetProperty("video", out var video) || !video.TryGetProperty("room", out _))
            throw ApiException.BadRequest("invalid_livekit_token", "livekit_token must be a LiveKit access token (a JWT with a video grant naming the room).");
    }
}
