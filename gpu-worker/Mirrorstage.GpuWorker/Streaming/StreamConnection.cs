using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Sessions;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>One client's socket on a live session.</summary>
internal sealed class StreamConnection(WebSocket socket, LiveSession session, SessionStore sessions, ReferenceChanger faces, WorkerOptions options, ILogger log)
{
    private StreamingDecoder? _decoder;
    private bool _utteranceStarted;
    private int _utterance = session.NextUtteranceNumber();
    private DateTimeOffset _lastOverflowWarning;
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    public async Task RunAsync()
    {
        // The receive side is never cancelled (cancelling a socket read aborts the socket): it ends when the
        // client closes or when the sender, after the session's final message, closes our side.
        using var clientGone = new CancellationTokenSource();
        var sender = SendLoopAsync(clientGone.Token);
        try
        {
            await ReceiveLoopAsync();
        }
        catch (WebSocketException)
        {
            // The client dropped, perhaps mid-utterance; queued audio still plays and the video goes on.
        }
        finally
        {
            if (_decoder is not null) await _decoder.DisposeAsync();
            await clientGone.CancelAsync();
            try { await sender; } catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
    }

    private async Task SendLoopAsync(CancellationToken clientGone)
    {
        await foreach (var message in session.Outbound.Reader.ReadAllAsync(clientGone))
        {
            await StreamEndpoint.SendAsync(socket, message.Text, CancellationToken.None);
            if (message.CloseAfter is { } status)
            {
                await socket.CloseOutputAsync(status, message.CloseReason, CancellationToken.None);
                // A client that never answers the close must not hold the connection (or a shutdown) open.
                _ = Task.Delay(CloseGrace).ContinueWith(_ => { if (socket.State != WebSocketState.Closed) socket.Abort(); }, TaskScheduler.Default);
                return;
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                var tooLarge = false;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        if (socket.State == WebSocketState.CloseReceived)
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }
                    if (message.Length + result.Count > StreamEndpoint.MaxMessageBytes) tooLarge = true; // keep draining
                    else message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);

                if (session.Ended.IsCancellationRequested) continue; // the session is over; wait for the close
                if (tooLarge)
                    Error("frame_too_large", $"A message may carry at most {StreamEndpoint.MaxMessageBytes / (1024 * 1024)} MB; split the audio.");
                else if (result.MessageType == WebSocketMessageType.Binary)
                    await OnAudioAsync(message.GetBuffer().AsMemory(0, (int)message.Length), CancellationToken.None);
                else
                    await OnControlAsync(message.GetBuffer().AsMemory(0, (int)message.Length), CancellationToken.None);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task OnAudioAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (data.Length == 0) return;
        if (!_utteranceStarted)
        {
            _utteranceStarted = true;
            var kind = AudioFormat.Sniff(data.Span);
            if (kind != AudioKind.Pcm)
                _decoder = new StreamingDecoder(options.FfmpegPath, samples => Append(samples));
        }
        if (_decoder is not null)
        {
            await _decoder.WriteAsync(data, ct);
            return;
        }
        var even = data.Length & ~1;
        if (even != data.Length) Error("odd_pcm_length", "PCM must be whole 16-bit samples; the last byte was dropped.");
        var samples = new short[even / 2];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(data.Span[..even]).CopyTo(samples);
        Append(samples);
    }

    private bool Append(short[] samples)
    {
        if (session.Timeline.TryAppend(samples)) return true;
        var now = DateTimeOffset.UtcNow;
        if (now - _lastOverflowWarning > TimeSpan.FromSeconds(1))
        {
            _lastOverflowWarning = now;
            Error("audio_buffer_full", "More audio is queued than the buffer holds; send closer to real time. Audio was dropped.");
        }
        return false;
    }

    private async Task OnControlAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        string? type;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(data, new JsonDocumentOptions { MaxDepth = 8 });
            root = doc.RootElement.Clone();
            type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException)
        {
            Error("invalid_json", "Text messages must be JSON objects with a \"type\".");
            return;
        }

        switch (type)
        {
            case "speak_done":
                await EndUtteranceAsync(ct);
                break;
            case "clear":
                if (_decoder is not null) { await _decoder.DisposeAsync(); _decoder = null; }
                session.Timeline.Clear();
                session.Timeline.MarkUtteranceEnd(_utterance);
                NextUtterance();
                break;
            case "stop":
                await sessions.EndAsync(session.Id, "stopped", ct);
                break;
            case "change_reference":
                var b64 = root.TryGetProperty("reference_image_b64", out var image) && image.ValueKind == JsonValueKind.String ? image.GetString() : null;
                if (await faces.ChangeAsync(session.Id, b64, ct) is { } refused)
                    Error(refused.Code, refused.Message + " The face stays as it is.");
                else
                    session.Nudge(); // the render loop swaps the face and answers reference_changed
                break;
            default:
                Error("unknown_message", $"Unknown message type '{type}'. Use speak_done, stop, clear or change_reference.");
                break;
        }
    }

    private async Task EndUtteranceAsync(CancellationToken ct)
    {
        if (_decoder is not null)
        {
            var ok = await _decoder.FinishAsync(ct);
            if (!ok) Error("undecodable_audio", "The audio of this utterance could not be decoded: " + _decoder.Errors.Trim());
            await _decoder.DisposeAsync();
            _decoder = null;
        }
        session.Timeline.MarkUtteranceEnd(_utterance);
        NextUtterance();
    }

    private void NextUtterance()
    {
        _utteranceStarted = false;
        _utterance = session.NextUtteranceNumber();
    }

    private void Error(string code, string message)
    {
        log.LogInformation("Session {SessionId}: {Code}", session.Id, code);
        session.Send(new { type = "error", code, message });
    }
}
