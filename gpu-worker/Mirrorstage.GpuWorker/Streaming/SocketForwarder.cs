using System.Net.WebSockets;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>Relays a client's socket to the replica that owns the session, message by message in both
/// directions, until either side closes.</summary>
public static class SocketForwarder
{
    public const string ForwardedHeader = "X-Mirrorstage-Forwarded";

    public static async Task<ClientWebSocket?> ConnectAsync(string ownerUrl, string sessionId, string token, CancellationToken ct)
    {
        var upstream = new ClientWebSocket();
        upstream.Options.SetRequestHeader(ForwardedHeader, "1"); // the owner must not forward it again
        var ws = ownerUrl.Replace("https://", "wss://").Replace("http://", "ws://").TrimEnd('/');
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await upstream.ConnectAsync(new Uri($"{ws}/v1/sessions/{sessionId}/stream?token={Uri.EscapeDataString(token)}"), timeout.Token);
            return upstream;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or UriFormatException)
        {
            upstream.Dispose();
            return null;
        }
    }

    public static async Task RelayAsync(WebSocket client, WebSocket owner)
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
