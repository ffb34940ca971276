using System.Text.Json;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>The wire form of a warm request, shared by every transport: a JSON body, the session id also as an
/// application property, and a message id of its own for every send. The session id is not the message id:
/// a re-send (retry, failover re-queue, hand-over) is a new message that duplicate detection must let through.</summary>
public static class WarmMessages
{
    public const string SessionIdProperty = "session_id";
    public const string Subject = "WarmSession";
    public const string ContentType = "application/json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string NewMessageId() => Guid.NewGuid().ToString("N");

    public static byte[] Serialize(WarmSession m) => JsonSerializer.SerializeToUtf8Bytes(m, Json);

    public static WarmSession? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize<WarmSession>(body, Json) is { SessionId.Length: > 0 } m ? m : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
