using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Viewing;

/// <summary>LiveKit access tokens: HS256 JWTs signed with the API secret, carrying a `video` grant.</summary>
public static class LiveKitTokens
{
    public static string RoomFor(string sessionId) => "mirrorstage-" + sessionId;

    /// <summary>Subscribe-only: a viewer can watch the room and nothing else.</summary>
    public static string Viewer(LiveKitOptions o, string room, string identity, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = o.ApiKey!,
            ["sub"] = identity,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(o.ViewerTokenMinutes).ToUnixTimeSeconds(),
            ["video"] = new Dictionary<string, object>
            {
                ["roomJoin"] = true,
                ["room"] = room,
                ["canSubscribe"] = true,
                ["canPublish"] = false,
                ["canPublishData"] = false,
            },
        };
        return Sign(claims, o.ApiSecret!);
    }

    public static string Sign(object claims, string secret)
    {
        var header = Segment(new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT" });
        var payload = Segment(claims);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{SessionTokens.Base64Url(signature)}";
    }

    private static string Segment(object value) => SessionTokens.Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));
}
