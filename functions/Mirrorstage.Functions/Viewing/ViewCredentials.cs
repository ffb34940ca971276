using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.LiveKit;
using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Outputs;
using Mirrorstage.Functions.Sessions;

namespace Mirrorstage.Functions.Viewing;

/// <summary>GET /v1/view/{id}?share=: redeem a share token for subscribe-only viewing credentials. A session in
/// a gateway-owned LiveKit room gets a viewer token for it; one rendered by ffmpeg (RTMP or the local preview)
/// gets the worker's preview addresses.</summary>
public static class ViewCredentials
{
    public sealed record Response(
        string SessionId, string Status, bool Ready, string OutputProtocol, string? LivekitUrl,
        string? LivekitAccessToken, string? HlsUrl, string? PreviewUrl);

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/view/{id}", async (
        string id, string? share, HttpRequest request, IQuerySession db, IOptions<LiveKitOptions> liveKit,
        SessionResponses responses, PublicUrls urls, TimeProvider clock, CancellationToken ct) =>
    {
        var view = await SessionAccess.RequireShareAsync(db, id, share, ct);
        var lk = liveKit.Value;
        var ownRoom = view.OutputProtocol == OutputTarget.LiveKit && view.OutputUrl is null && lk.Enabled;
        var token = ownRoom
            ? LiveKitTokens.Viewer(lk.ApiKey!, lk.ApiSecret!, LiveKitTokens.RoomFor(id), "viewer-" + Guid.NewGuid().ToString("N")[..12],
                clock.GetUtcNow(), TimeSpan.FromMinutes(lk.ViewerTokenMinutes))
            : null;
        var rendered = view.OutputProtocol != OutputTarget.LiveKit;
        return Results.Json(new Response(id, SessionResponses.StatusName(view.Status), view.Ready, view.OutputProtocol,
            responses.LiveKitUrl(view), token,
            view.OutputProtocol == OutputTarget.Hls ? urls.HlsPreview(request, id, share!) : null,
            rendered ? urls.LivePreview(request, id, share!) : null), AppJson.Options);
    });
}
