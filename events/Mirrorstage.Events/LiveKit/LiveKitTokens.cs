using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mirrorstage.Events.LiveKit;

/// <summary>The LiveKit access tokens this project mints: HS256 JWTs under the operator's API key and secret,
/// carrying a `video` grant. The gateway mints viewer tokens; the worker mints its own publishing token for
/// gateway-owned rooms, so no token needs to travel or be stored.</summary>
public static class LiveKitTokens
{
    public static string RoomFor(string sessionId) => "mirrorstage-" + sessionId;

    /// <summary>Where a caller's room token waits for the worker (the blob store; never in the event store).</summary>
    public static string CallerTokenKey(string sessionId) => $"livekit/{sessionId}/caller-token";

    /// <summary>The identity the worker joins a gateway-owned room with.</summary>
    public static string WorkerIdentity(string sessionId) => "mirrorstage-avatar-" + sessionId;

    /// <summary>Subscribe-only: a viewer can watch the room and nothing else (no tracks, no data, no metadata).</summary>
    public static string Viewer(string apiKey, string apiSecret, string room, string identity, DateTimeOffset now, TimeSpan life) =>
        Sign(apiKey, apiSecret, identity, "Viewer", now, life, new Dictionary<string, object>
        {
            ["roomJoin"] = true,
            ["room"] = room,
            ["canSubscribe"] = true,
            ["canPublish"] = false,
            ["canPublishData"] = false,
            ["canUpdateOwnMetadata"] = false,
        });

    /// <summary>The worker's token: it publishes its camera and microphone tracks into the session's room and
    /// subscribes to nothing.</summary>
    public static string Worker(string apiKey, string apiSecret, string sessionId, DateTimeOffset now, TimeSpan life) =>
        Sign(apiKey, apiSecret, WorkerIdentity(sessionId), "Mirrorstage", now, life, new Dictionary<string, object>
        {
            ["roomJoin"] = true,
            ["room"] = RoomFor(sessionId),
            ["canSubscribe"] = false,
            ["canPublish"] = true,
            ["canPublishData"] = false,
            ["canPublishSources"] = new[] { "camera", "microphone" },
        });

    private static string Sign(string apiKey, string apiSecret, string identity, string name, DateTimeOffset now, TimeSpan life,
        Dictionary<string, object> video)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = apiKey,
            ["sub"] = identity,
            ["name"] = name,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(life).ToUnixTimeSeconds(),
            ["video"] = video,
        };
        var header = Segment(new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT" });
        var payload = Segment(claims);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Segment(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));

    /// <summary>The claims of a token someone else signed (a caller's room token), unverified: we cannot check
    /// another server's signature, only read what it grants. Null when it is not a JWT.</summary>
    public static JsonElement? ReadClaims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }
}
