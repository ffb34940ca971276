using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Sessions;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Sessions;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>WS /v1/sessions/{id}/stream?token=: audio in (PCM s16le 16 kHz mono, or WAV/MP3/Ogg/FLAC sniffed per
/// utterance and decoded as it streams), control messages in, chunk_done / time_warning / error /
/// session_ended out. Bad input gets an error message and never stops the session's video.</summary>
public static class StreamEndpoint
{
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app) => app.Map("/v1/sessions/{id}/stream", async (
        string id, HttpContext http, LiveSessions live, SessionStore sessions, ReferenceChanger faces, Marten.IDocumentStore store,
        TimeProvider clock, IOptions<WorkerOptions> options, ILoggerFactory logs) =>
    {
        var token = SocketToken.From(http.Request.Query["token"].ToString());
        // The store decides, also for a session rendering here: an ended session's token opens nothing, even in
        // the moments before its render has stopped.
        var view = id.Length <= 64 ? await sessions.ViewAsync(id, http.RequestAborted) : null;
        if (view is null || !TokenHashes.Matches(token, view.TokenHash))
        {
            await RefuseAsync(http, 401, "invalid_token", "The token is not valid for this session.");
            return;
        }
        if (view.Status is SessionStatus.Ended or SessionStatus.Failed)
        {
            await RefuseAsync(http, 410, "session_ended", "This session has ended.");
            return;
        }
        var session = live.Get(id);
        if (session is null)
        {
            // Claimed here but still starting: the claim is recorded before the output starts. Wait for it.
            if (view is { Status: SessionStatus.Warming or SessionStatus.Active } && view.ClaimedBy == options.Value.WorkerId)
                session = await WaitUntilLiveAsync(id, live, http.RequestAborted);
            if (session is null)
            {
                // Live on another replica: relay this socket to the owner named in its lease.
                if (await SocketForwarder.TryRelayToOwnerAsync(http, view, options.Value.WorkerId, store, clock)) return;
                var (status, code, message) = view.Status == SessionStatus.Warming
                    ? (409, "session_not_ready", "The session is still warming; poll its status until it is active.")
                    : (503, "session_elsewhere", "This session is live on another worker replica; reconnect to the session's websocket_url.");
                await RefuseAsync(http, status, code, message);
                return;
            }
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(http, 400, "websocket_required", "Open this URL as a WebSocket.");
            return;
        }

        // Attach before the upgrade completes: a client is told "connected" only once it holds the session.
        var attached = session.TryAttach();
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            if (!attached)
            {
                try
                {
                    await SendAsync(socket, JsonSerializer.Serialize(new { type = "error", code = "already_connected", message = "Another socket is streaming to this session." }), default);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "already_connected", default);
                }
                catch (WebSocketException) { /* the client left first */ }
                return;
            }
            await new StreamConnection(socket, session, sessions, faces, options.Value, logs.CreateLogger("Mirrorstage.Stream")).RunAsync();
        }
        finally
        {
            if (attached) session.Detach();
        }
    });

    /// <summary>A session this worker has just claimed (or resumed) is live here within moments.</summary>
    private static async Task<LiveSession?> WaitUntilLiveAsync(string id, LiveSessions live, CancellationToken ct)
    {
        for (var i = 0; i < 50; i++)
        {
            if (live.Get(id) is { } session) return session;
            await Task.Delay(100, ct);
        }
        return null;
    }

    private static Task RefuseAsync(HttpContext http, int status, string code, string message) =>
        Infrastructure.Http.ErrorJson.WriteAsync(http, status, code, message);

    internal static Task SendAsync(WebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
}
