using System.Text;
using Mirrorstage.Events.LiveKit;
using Mirrorstage.Infrastructure.Storage;

namespace Mirrorstage.Functions.Viewing;

/// <summary>A caller's LiveKit room token travels to the worker through the blob store, keyed by session: the
/// event store (the audit record) never holds it. It is kept once the session is recorded; if it cannot be,
/// the worker finds none and the session fails with its refund, so a storage fault costs the caller nothing.</summary>
public static class CallerRoomTokens
{
    public static async Task KeepAsync(IBlobStore blobs, string sessionId, string? token, ILoggerFactory logs, CancellationToken ct)
    {
        if (token is null) return;
        try
        {
            await blobs.PutAsync(LiveKitTokens.CallerTokenKey(sessionId), Encoding.UTF8.GetBytes(token), "text/plain", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logs.CreateLogger(typeof(CallerRoomTokens)).LogError(e, "Session {SessionId}: the caller's LiveKit token could not be kept", sessionId);
        }
    }
}
