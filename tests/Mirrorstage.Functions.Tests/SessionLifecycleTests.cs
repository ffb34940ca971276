using System.Net.Http.Json;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class SessionLifecycleTests(FreeGateway gateway)
{
    private readonly HttpClient _client = gateway.CreateClient();

    private async Task<(string Id, string Token, string ViewUrl)> NewSessionAsync()
    {
        var json = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        return (json["session_id"]!.GetValue<string>(), json["token"]!.GetValue<string>(), json["view_url"]!.GetValue<string>());
    }

    /// <summary>What a worker appends when it goes live.</summary>
    private async Task ActivateAsync(string id, DateTimeOffset startedAt)
    {
        await using var session = gateway.Store.LightweightSession();
        session.Events.Append(id, new SessionClaimed(id, "worker-1", startedAt.AddSeconds(-20)),
            new SessionActivated(id, "worker-1", startedAt, startedAt.AddMinutes(15)));
        await session.SaveChangesAsync();
    }

    [Fact]
    public async Task Get_reports_a_warming_session_in_full()
    {
        var (id, token, viewUrl) = await NewSessionAsync();
        var json = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));

        Assert.Equal(id, json["session_id"]!.GetValue<string>());
        Assert.Equal("warming", json["status"]!.GetValue<string>());
        Assert.False(json["ready"]!.GetValue<bool>());
        Assert.Equal(900, json["remaining_seconds"]!.GetValue<long>());
        Assert.Equal(viewUrl, json["view_url"]!.GetValue<string>());
        foreach (var field in new[] { "expires_at", "started_at", "ended_at", "failure_reason", "wallet", "livekit_url" })
            Assert.True(json.ContainsKey(field) && json[field] is null, field);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", json["warming_started_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_active_session_counts_down_from_its_activation()
    {
        var (id, token, _) = await NewSessionAsync();
        var started = DateTimeOffset.UtcNow.AddMinutes(-5);
        await ActivateAsync(id, started);

        var json = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        Assert.Equal("active", json["status"]!.GetValue<string>());
        Assert.True(json["ready"]!.GetValue<bool>());
        Assert.InRange(json["remaining_seconds"]!.GetValue<long>(), 595, 601);
        Assert.Equal(DateTimeOffset.Parse(json["expires_at"]!.GetValue<string>()), new DateTimeOffset(started.AddMinutes(15).UtcDateTime.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    [Fact]
    public async Task Extending_an_active_session_moves_its_expiry()
    {
        var (id, token, _) = await NewSessionAsync();
        await ActivateAsync(id, DateTimeOffset.UtcNow.AddMinutes(-1));
        var response = await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 10 })));

        Assert.Equal(200, (int)response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(10, json["added_minutes"]!.GetValue<int>());
        Assert.InRange(json["total_remaining_seconds"]!.GetValue<long>(), 1435, 1441);
        Assert.NotNull(json["new_expires_at"]);
        Assert.Equal(0m, json["price_usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task An_empty_extend_body_adds_the_default_five_minutes()
    {
        var (id, token, _) = await NewSessionAsync();
        var json = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token)));
        Assert.Equal(5, json["added_minutes"]!.GetValue<int>());
        Assert.Equal(1200, json["total_remaining_seconds"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("{\"duration_minutes\": 0}", 400, "invalid_duration")]
    [InlineData("{\"duration_minutes\": -3}", 400, "invalid_duration")]
    [InlineData("{\"duration_minutes\": \"ten\"}", 400, "invalid_duration")]
    [InlineData("{\"duration_minutes\": 2.5}", 400, "invalid_duration")]
    [InlineData("{\"duration_minutes\": 99999999999}", 400, "invalid_duration")]
    [InlineData("{\"duration_minutes\": ", 400, "invalid_json")]
    [InlineData("[1,2]", 400, "invalid_json")]
    [InlineData("\u0000\u0001garbage", 400, "invalid_json")]
    public async Task Bad_extend_bodies_are_refused_and_change_nothing(string body, int status, string code)
    {
        var (id, token, _) = await NewSessionAsync();
        var before = await gateway.EventsOfAsync(id);
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        await AssertErrorAsync(await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, content)), status, code);
        Assert.Equal(before.Count, (await gateway.EventsOfAsync(id)).Count);
    }

    [Fact]
    public async Task An_oversized_extend_body_is_a_413()
    {
        var (id, token, _) = await NewSessionAsync();
        var content = new StringContent("{\"pad\":\"" + new string('x', 100_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        await AssertErrorAsync(await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, content)), 413, "request_too_large");
    }

    [Fact]
    public async Task Concurrent_extends_all_land()
    {
        var (id, token, _) = await NewSessionAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, JsonContent.Create(new { duration_minutes = 1 })))));

        Assert.All(responses, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(6, (await gateway.EventsOfAsync(id)).OfType<SessionExtended>().Count());
        var json = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        Assert.Equal(21, json["duration_minutes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Delete_ends_the_session_and_is_idempotent()
    {
        var (id, token, _) = await NewSessionAsync();
        await ActivateAsync(id, DateTimeOffset.UtcNow.AddSeconds(-100));

        var json = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{id}", token)));
        Assert.Equal("ended", json["status"]!.GetValue<string>());
        Assert.InRange(json["gpu_seconds_used"]!.GetValue<long>(), 119, 125); // claimed 20 s before activation

        var again = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{id}", token)));
        Assert.Equal(json["gpu_seconds_used"]!.GetValue<long>(), again["gpu_seconds_used"]!.GetValue<long>());
        Assert.Single((await gateway.EventsOfAsync(id)).OfType<SessionEnded>());

        var status = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        Assert.Equal("ended", status["status"]!.GetValue<string>());
        Assert.Equal(0, status["remaining_seconds"]!.GetValue<long>());
        Assert.NotNull(status["ended_at"]);

        await AssertErrorAsync(await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token)), 409, "session_not_extendable");
    }

    [Fact]
    public async Task Tokens_guard_every_session_endpoint_without_revealing_sessions()
    {
        var (id, token, _) = await NewSessionAsync();
        var (otherId, otherToken, _) = await NewSessionAsync();
        var endpoints = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, $"/v1/sessions/{id}"), (HttpMethod.Post, $"/v1/sessions/{id}/share"),
            (HttpMethod.Post, $"/v1/sessions/{id}/extend"), (HttpMethod.Delete, $"/v1/sessions/{id}"),
        };
        foreach (var (method, path) in endpoints)
        {
            await AssertErrorAsync(await _client.SendAsync(WithBearer(method, path, null)), 401, "missing_token");
            await AssertErrorAsync(await _client.SendAsync(WithBearer(method, path, "sk_wrong")), 401, "invalid_token");
            await AssertErrorAsync(await _client.SendAsync(WithBearer(method, path, otherToken)), 404, "not_found");
            var basic = new HttpRequestMessage(method, path);
            basic.Headers.TryAddWithoutValidation("Authorization", "Basic " + token);
            await AssertErrorAsync(await _client.SendAsync(basic), 401, "invalid_token");
        }
        // A random id and a wrong token look exactly like a real id and a wrong token.
        await AssertErrorAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{Guid.NewGuid()}", "sk_wrong")), 401, "invalid_token");
        Assert.Equal("warming", (await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{otherId}", otherToken))))["status"]!.GetValue<string>());
        Assert.Equal(2, (await gateway.EventsOfAsync(id)).Count); // nothing was appended by the refused calls
    }

    [Fact]
    public async Task Share_links_are_view_only_and_each_one_works()
    {
        var (id, token, firstViewUrl) = await NewSessionAsync();
        var share = await JsonAsync(await _client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/share", token)));
        Assert.Equal("view", share["share_kind"]!.GetValue<string>());
        var shareUrl = share["share_url"]!.GetValue<string>();
        Assert.Equal(shareUrl, share["view_url"]!.GetValue<string>());
        Assert.NotEqual(firstViewUrl, shareUrl);

        foreach (var url in new[] { firstViewUrl, shareUrl })
        {
            var shareToken = url[(url.IndexOf("share=", StringComparison.Ordinal) + 6)..];
            var view = await JsonAsync(await _client.GetAsync($"/v1/view/{id}?share={shareToken}"));
            Assert.Equal(id, view["session_id"]!.GetValue<string>());
            Assert.Equal("hls", view["output_protocol"]!.GetValue<string>());
            Assert.Null(view["livekit_access_token"]);
            Assert.StartsWith($"https://render.test/preview/{id}/index.m3u8?share=", view["hls_url"]!.GetValue<string>());

            // A share token is not a session token.
            await AssertErrorAsync(await _client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", shareToken)), 401, "invalid_token");
        }
        await AssertErrorAsync(await _client.GetAsync($"/v1/view/{id}"), 401, "missing_share_token");
        await AssertErrorAsync(await _client.GetAsync($"/v1/view/{id}?share=sh_forged"), 401, "invalid_share_token");
        await AssertErrorAsync(await _client.GetAsync($"/v1/view/{Guid.NewGuid()}?share=sh_forged"), 401, "invalid_share_token");
        // The session token does not redeem as a share token either.
        await AssertErrorAsync(await _client.GetAsync($"/v1/view/{id}?share={token}"), 401, "invalid_share_token");
    }
}
