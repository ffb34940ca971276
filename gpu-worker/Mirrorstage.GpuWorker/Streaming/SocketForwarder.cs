using System.Net.WebSockets;
using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>Relays a client's socket (the stream, the live preview) to the replica that owns the session, message
/// by message in both directions, until either side closes: any replica behind one ingress accepts it.</summary>
public static class SocketForwarder
{
    /// <summary>Relays this socket request to the replica rendering the session, at the same path and query, when
    /// that is another replica with a live lease. False when it is not (or cannot be reached): the caller answers.</summary>
    public static async Task<bool> TryRelayToOwnerAsync(HttpContext http, SessionView view, string self, IDocumentStore store, TimeProvider clock)
    {
        if (!http.WebSockets.IsWebSocketRequest || await OwnerReplica.FindAsync(http, view, self, store, clock) is not { } ownerUrl) return false;
        var ws = ownerUrl.Replace("https://", "wss://").Replace("http://", "ws://");
        if (!Uri.TryCreate(ws + http.Request.Path + http.Request.QueryString, UriKind.Absolute, out var target)) return false;
        using var upstream = await ConnectAsync(target, http.RequestAborted);
        if (upstream is null) return false;
        using var client = await http.WebSockets.AcceptWebSocketAsync();
        await RelayAsync(client, upstream);
        return true;
    }

    private static async Task<ClientWebSocket?> ConnectAsync(Uri target, CancellationToken ct)
    {
        var upstream = new ClientWebSocket();
        upstream.Options.SetRequestHeader(OwnerReplica.ForwardedHeader, "1"); // the owner must not forward it again
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await upstream.ConnectAsync(target, timeout.Token);
            return upstream;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            upstream.Dispose();
            return null;
        }
    }

    private static async Task RelayAsync(WebSocket client, WebSocket owner)
    {
        var a = PumpAsync(client, owner);
        var b = PumpAsync(owner, client);
        await Task.WhenAny(a, b);
        foreach (var s in new[] { client, owner })
            if (s.State is WebSocketState.Open or WebSocketState.CloseReceived)
                try { await s.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "relay closed", CancellationToken.None); } catch (WebSocketException) { }
        try { await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception e) when (e is WebSocketException or TimeoutException) { }
    }

    private static async Task PumpAsync(WebSocket from, WebSocket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (from.State == WebSocketState.Open && to.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var r = await from.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close) return;
                await to.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
            }
        }
        catch (WebSocketException) { /* one side dropped; the relay ends */ }
    }
}
