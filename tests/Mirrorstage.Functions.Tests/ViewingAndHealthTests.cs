using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class LiveKitViewingTests(LiveKitGateway gateway)
{
    [Fact]
    public async Task Health_reports_LiveKit_and_no_capacity()
    {
        var health = await JsonAsync(await gateway.CreateClient().GetAsync("/health"));
        Assert.Equal("busy", health["status"]!.GetValue<string>());
        Assert.False(health["available"]!.GetValue<bool>());
        Assert.True(health["livekit_enabled"]!.GetValue<bool>());
        Assert.Equal("wss://livekit.render.test", health["livekit_url"]!.GetValue<string>());
        Assert.Equal(5, health["free_trial_minutes"]!.GetValue<int>());
        Assert.Equal(10, health["min_duration_minutes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_capacity_a_valid_request_gets_503_and_nothing_is_recorded()
    {
        var before = await gateway.CountEventsAsync();
        await AssertErrorAsync(await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut))), 503, "no_capacity");
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task A_share_token_redeems_a_subscribe_only_LiveKit_token()
    {
        // Capacity 0 refuses new sessions, so this one is recorded the way CreateSession records it.
        var (id, share) = await SeedLiveKitSessionAsync();
        var view = await JsonAsync(await gateway.CreateClient().GetAsync($"/v1/view/{id}?share={share}"));

        Assert.Equal("livekit", view["output_protocol"]!.GetValue<string>());
        Assert.Equal("wss://livekit.render.test", view["livekit_url"]!.GetValue<string>());
        var jwt = view["livekit_access_token"]!.GetValue<string>().Split('.');
        Assert.Equal(3, jwt.Length);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes("livekit-secret-livekit-secret-livekit-secret"), Encoding.ASCII.GetBytes(jwt[0] + "." + jwt[1]));
        Assert.Equal(Convert.ToBase64String(expected).TrimEnd('=').Replace('+', '-').Replace('/', '_'), jwt[2]);

        var header = JsonNode.Parse(FromBase64Url(jwt[0]))!;
        Assert.Equal("HS256", header["alg"]!.GetValue<string>());
        var claims = JsonNode.Parse(FromBase64Url(jwt[1]))!;
        Assert.Equal("APIkey123", claims["iss"]!.GetValue<string>());
        Assert.True(claims["exp"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var video = claims["video"]!;
        Assert.True(video["roomJoin"]!.GetValue<bool>());
        Assert.Equal($"mirrorstage-{id}", video["room"]!.GetValue<string>());
        Assert.True(video["canSubscribe"]!.GetValue<bool>());
        Assert.False(video["canPublish"]!.GetValue<bool>());
        Assert.False(video["canPublishData"]!.GetValue<bool>());
    }

    private async Task<(string Id, string Share)> SeedLiveKitSessionAsync()
    {
        var tokens = (Api.SessionTokens)gateway.Services.GetService(typeof(Api.SessionTokens))!;
        var id = Api.SessionTokens.NewSessionId();
        var share = tokens.ShareToken(id, 1);
        var events = Events.Sessions.SessionDecider.Decide(new Events.Sessions.CreateSession(id, Events.Sessions.TokenHashes.Of(tokens.SessionToken(id)),
            Events.Sessions.TokenHashes.Of(share), new Events.Sessions.ReferenceImage("references/x.png", "crops/x.png", 256), "livekit", null, 15, 0, null, null, 0, DateTimeOffset.UtcNow));
        await using var session = gateway.Store.LightweightSession();
        session.Events.StartStream<Events.Sessions.Session>(id, events);
        await session.SaveChangesAsync();
        return (id, share);
    }

    private static byte[] FromBase64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

[Collection(GatewayCollection.Name)]
public class HealthAndTermsTests(FreeGateway gateway)
{
    [Fact]
    public async Task Health_reports_the_local_defaults()
    {
        var health = await JsonAsync(await gateway.CreateClient().GetAsync("/health"));
        Assert.Equal("available", health["status"]!.GetValue<string>());
        Assert.True(health["available"]!.GetValue<bool>());
        Assert.False(health["livekit_enabled"]!.GetValue<bool>());
        Assert.Null(health["livekit_url"]);
        Assert.Equal(0m, health["price_per_minute_usd"]!.GetValue<decimal>());
        Assert.Empty(health["networks"]!.AsArray());
    }

    [Fact]
    public async Task Terms_are_markdown_with_a_version()
    {
        var response = await gateway.CreateClient().GetAsync("/tos");
        Assert.Equal("text/markdown", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("# Mirrorstage terms of service", text);
        Assert.Contains("Version: 2026-11-01", text);
    }

    [Fact]
    public async Task CORS_exposes_the_payment_headers()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/sessions");
        preflight.Headers.Add("Origin", "https://agent.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "payment-signature");
        var response = await gateway.CreateClient().SendAsync(preflight);
        Assert.Contains("PAYMENT-SIGNATURE", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        var get = new HttpRequestMessage(HttpMethod.Get, "/health");
        get.Headers.Add("Origin", "https://agent.example");
        var exposed = string.Join(",", (await gateway.CreateClient().SendAsync(get)).Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("PAYMENT-REQUIRED", exposed);
        Assert.Contains("PAYMENT-RESPONSE", exposed);
    }
}
