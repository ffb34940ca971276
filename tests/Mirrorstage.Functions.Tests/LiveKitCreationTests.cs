using System.Buffers.Text;
using System.Text;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>A LiveKit output that cannot publish is refused at creation with a 400, before any payment is asked
/// for and with nothing recorded.</summary>
[Collection(GatewayCollection.Name)]
public class LiveKitCreationTests(PaidGateway paid, LiveKitGateway liveKit)
{
    private const string OtherServer = "wss://8.8.8.8/"; // a public literal: no DNS, past the address rules

    private static MultipartFormDataContent Form(string? outputUrl, string? livekitToken)
    {
        var form = SessionForm(TestImages.Astronaut, outputUrl: outputUrl);
        if (livekitToken is not null) form.Add(new StringContent(livekitToken), "livekit_token");
        return form;
    }

    /// <summary>Shaped like a LiveKit token from another server: we can read its grant, not check its signature.</summary>
    private static string CallerToken(string room = "agents-room") =>
        string.Join('.', new[] { """{"alg":"HS256","typ":"JWT"}""", $$$"""{"iss":"theirs","sub":"avatar","video":{"roomJoin":true,"room":"{{{room}}}"},"attributes":{"lk.publish_on_behalf":"agent-1"}}""" }
            .Select(s => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s)))) + ".c2lnbmF0dXJl";

    private static async Task RefusedAsync(GatewayFactory gateway, MultipartFormDataContent form, string code)
    {
        var before = await gateway.CountEventsAsync();
        var response = await gateway.CreateClient().SendAsync(CreateSession(form));
        await AssertErrorAsync(response, 400, code);
        Assert.False(response.Headers.Contains("PAYMENT-REQUIRED"));
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public Task A_wss_output_without_a_token_on_a_gateway_without_LiveKit_is_refused() =>
        RefusedAsync(paid, Form(OtherServer, null), "livekit_not_configured");

    [Fact]
    public Task Another_LiveKit_server_without_the_callers_token_is_refused() =>
        RefusedAsync(liveKit, Form(OtherServer, null), "livekit_token_required");

    [Fact]
    public Task A_livekit_token_that_is_not_a_LiveKit_access_token_is_refused() =>
        RefusedAsync(liveKit, Form(OtherServer, "not-a-jwt"), "invalid_livekit_token");

    [Fact]
    public Task A_livekit_token_for_an_RTMP_output_is_refused() =>
        RefusedAsync(paid, Form("rtmp://8.8.8.8/live/key", CallerToken()), "livekit_token_without_livekit_output");

    [Fact]
    public async Task The_gateways_own_LiveKit_url_and_a_callers_room_with_its_token_pass_the_output_rules()
    {
        // This gateway has no render capacity, so a request that passes every output rule stops at 503.
        // Its own URL does not resolve here: only recognising it as the gateway's room gets it past the address rules.
        var client = liveKit.CreateClient();
        await AssertErrorAsync(await client.SendAsync(CreateSession(Form("wss://livekit.render.test", null))), 503, "no_capacity");
        await AssertErrorAsync(await client.SendAsync(CreateSession(Form(OtherServer, CallerToken()))), 503, "no_capacity");
    }
}
