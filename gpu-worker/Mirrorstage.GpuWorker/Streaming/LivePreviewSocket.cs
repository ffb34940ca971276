using System.Net.WebSockets;
using System.Text;
using Mirrorstage.Events.Sessions;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Sessions;
using Mirrorstage.Infrastructure.Http;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>WS /preview/{id}/live?share=: the low-latency preview for holders of a share link. Text messages
/// are JSON ({"type":"init","mime","fps"} before the init segment, {"type":"frames","first","unix_ms"} before
/// each fragment); binary messages are the fragmented MP4 to append to a Media Source.</summary>
public static class LivePreviewSocket
{
    public static void Map(IEndpointRouteBuilder app) => app.Map("/preview/{id}/live", async (
        HttpContext http, string id, string? share, SessionStore sessions, PreviewFeeds feeds, Marten.IDocumentStore store,
        TimeProvider clock, Microsoft.Extensions.Options.IOptions<WorkerOptions> options, CancellationToken ct) =>
    {
        var view = id.Length <= 64 ? await sessions.ViewAsync(id, ct) : null;
        if (view is null || string.IsNullOrEmpty(share) || !view.ShareTokenHashes.Any(h => TokenHashes.Matches(share, h)))
            return ErrorJson.Result(401, "invalid_share_token", "Open the preview through the session's view_url.");
        if (view.Status is SessionStatus.Ended or SessionStatus.Failed)
            return ErrorJson.Result(410, "session_ended", "The session has ended.");
        if (feeds.Get(id) is not { } feed)
        {
            // Rendered by another replica behind the same ingress: relay the viewer to it.
            if (await SocketForwarder.TryRelayToOwnerAsync(http, view, options.Value.WorkerId, store, clock)) return Results.Empty;
            return ErrorJson.Result(404, "preview_not_ready", "This worker has no preview of the session (not live yet, or rendered elsewhere); retry in a few seconds.");
        }
        if (!http.WebSockets.IsWebSocketRequest)
            return ErrorJson.Result(400, "websocket_required", "Open this URL as a WebSocket.");

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var messages = feed.Watch();
        try
        {
            await foreach (var m in messages.ReadAllAsync(ct))
            {
                if (m.Text is { } text) await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
                else if (m.Binary is { } bytes) await socket.SendAsync(bytes, WebSocketMessageType.Binary, true, ct);
            }
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "preview_ended", CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { /* the viewer left */ }
        finally
        {
            feed.Unwatch(messages);
        }
        return Results.Empty;
    });
}
