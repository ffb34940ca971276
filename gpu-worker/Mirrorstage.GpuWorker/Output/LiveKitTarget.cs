using System.Text;
using Mirrorstage.Events.LiveKit;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Infrastructure.Outputs;
using Mirrorstage.Infrastructure.Storage;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>The room a LiveKit session publishes into, and the token to join it with: the gateway's own room
/// with a token this worker mints, or the caller's room with the caller's token (kept in the blob store).</summary>
public sealed record LiveKitTarget(string Url, string Token)
{
    /// <summary>The caller's room is checked again at every start and resume, by the policy the gateway applied
    /// (the RTMP outputs' too): a name public to the gateway may be private in the worker's network. LiveKit's SDK
    /// connects by name (TLS, and its own reconnects), so unlike ffmpeg it is not handed the checked address.</summary>
    /// <returns>The target, or the failure reason when the session cannot publish.</returns>
    public static async Task<(LiveKitTarget? Target, string? Failure)> ResolveAsync(
        SessionView view, LiveKitWorkerOptions o, OutputHostOptions hosts, IBlobStore blobs, DateTimeOffset now, CancellationToken ct)
    {
        if (view.OutputUrl is null)
        {
            if (!o.GatewayRoomsEnabled) return (null, "livekit_not_configured");
            var life = TimeSpan.FromMinutes(Math.Min(view.DurationMinutes + 60, 24 * 60));
            return (new LiveKitTarget(o.Url!, LiveKitTokens.Worker(o.ApiKey!, o.ApiSecret!, view.Id, now, life)), null);
        }
        if (!Uri.TryCreate(view.OutputUrl, UriKind.Absolute, out var url) || url.Scheme != "wss") return (null, "invalid_output_url");
        try
        {
            await OutputHosts.ResolveAsync(url, hosts, ct);
        }
        catch (OutputHostRefused e)
        {
            return (null, e.Code);
        }
        var token = await blobs.GetAsync(LiveKitTokens.CallerTokenKey(view.Id), ct);
        return token is null ? (null, "livekit_token_unavailable") : (new LiveKitTarget(view.OutputUrl, Encoding.UTF8.GetString(token)), null);
    }
}
