using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Outputs;
using Mirrorstage.Functions.Sessions;

namespace Mirrorstage.Functions.Viewing;

/// <summary>GET /v1/view/{id}?share=: redeem a share token for subscribe-only viewing credentials.</summary>
public static class ViewCredentials
{
    public sealed record Response(
        string SessionId, string Status, bool Ready, string OutputProtocol, string? LivekitUrl,
        string? LivekitAccessToken, string? HlsUrl);

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/view/{id}", async (
        string id, string? share, HttpRequest request, IQuerySession db, IOptions<LiveKitOptions> liveKit,
        SessionResponses responses, PublicUrls urls, TimeProvider clock, CancellationToken ct) =>
    {
        var view = await SessionAccess.RequireShareAsync(db, id, share, ct);
        var isLiveKit = view.OutputProtocol == OutputTarget.LiveKit && liveKit.Value.Enabled;
        var token = isLiveKit
            ? LiveKitTokens.Viewer(liveKit.Value, LiveKitTokens.RoomFor(id), "viewer-" + Guid.NewGuid().ToString("N")[..12], clock.GetUtcNow())
            : null;
        var hls = view.OutputProtocol == OutputTarget.Hls ? urls.HlsPreview(request, id, share!) : null;
        return Results.Json(new Response(id, SessionResponses.StatusName(view.Status), view.Ready, view.OutputProtocol,
            responses.LiveKitUrl(view), token, hls), AppJson.Options);
    });
}
