using System.Net.Http.Headers;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>Garbage, oversized, truncated and hostile input to POST /v1/sessions on a paying, production-mode
/// gateway. Every case carries a payment that would settle, so a leak would show as a charge: each must get
/// its documented status and code, never reach the facilitator, and append no event.</summary>
[Collection(GatewayCollection.Name)]
public class BadInputTests(PaidGateway gateway)
{
    private const string Payer = "0x00000000000000000000000000000000000000A1";

    public static TheoryData<string, Func<MultipartFormDataContent>, int, string> Cases => new()
    {
        { "no accept_tos", () => SessionForm(TestImages.Astronaut, acceptTos: null), 400, "tos_not_accepted" },
        { "accept_tos=false", () => SessionForm(TestImages.Astronaut, acceptTos: "false"), 400, "tos_not_accepted" },
        { "no reference_image", () => SessionForm(null), 400, "reference_image_required" },
        { "duration 9", () => SessionForm(TestImages.Astronaut, duration: "9"), 400, "invalid_duration" },
        { "duration 0", () => SessionForm(TestImages.Astronaut, duration: "0"), 400, "invalid_duration" },
        { "duration -1", () => SessionForm(TestImages.Astronaut, duration: "-1"), 400, "invalid_duration" },
        { "duration 100000", () => SessionForm(TestImages.Astronaut, duration: "100000"), 400, "invalid_duration" },
        { "duration abc", () => SessionForm(TestImages.Astronaut, duration: "abc"), 400, "invalid_duration" },
        { "duration 1e3", () => SessionForm(TestImages.Astronaut, duration: "1e3"), 400, "invalid_duration" },
        { "10 MB + 1 byte", () => SessionForm(new byte[10 * 1024 * 1024 + 1]), 413, "image_too_large" },
        { "a GIF", () => SessionForm(TestImages.Gif, "face.gif"), 415, "unsupported_image_type" },
        { "text named face.jpg", () => SessionForm(TestImages.Text, "face.jpg"), 415, "unsupported_image_type" },
        { "truncated PNG", () => SessionForm(TestImages.TruncatedPng), 400, "invalid_image" },
        { "30000x30000 PNG", () => SessionForm(TestImages.HugePng()), 413, "image_too_many_pixels" },
        { "a cat", () => SessionForm(TestImages.Cat), 422, "no_face_detected" },
        { "a blank image", () => SessionForm(TestImages.Blank()), 422, "no_face_detected" },
        { "rtmp to loopback", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://127.0.0.1/x"), 400, "output_url_not_allowed" },
        { "rtmp to a private net", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmps://10.1.2.3/live/k"), 400, "output_url_not_allowed" },
        { "rtmp to the metadata service", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://169.254.169.254/live/k"), 400, "output_url_not_allowed" },
        { "rtmp to IPv6 loopback", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://[::1]/live/k"), 400, "output_url_not_allowed" },
        { "rtmp to NAT64 of a private net", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://[64:ff9b::a00:1]/live/k"), 400, "output_url_not_allowed" },
        { "rtmp to 6to4 of loopback", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://[2002:7f00:1::1]/live/k"), 400, "output_url_not_allowed" },
        { "rtmp to IPv4-compatible metadata", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://[::169.254.169.254]/live/k"), 400, "output_url_not_allowed" },
        { "rtmp to a port not allowed", () => SessionForm(TestImages.Astronaut, outputUrl: "rtmp://8.8.8.8:6379/live/k"), 400, "output_port_not_allowed" },
        { "http metadata URL", () => SessionForm(TestImages.Astronaut, outputUrl: "http://169.254.169.254/"), 400, "invalid_output_url" },
        { "not a URL", () => SessionForm(TestImages.Astronaut, outputUrl: "::::"), 400, "invalid_output_url" },
        { "a bad wallet", () => SessionForm(TestImages.Astronaut, wallet: "0x123"), 400, "invalid_wallet" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_with_its_code_and_costs_nothing(string name, Func<MultipartFormDataContent> form, int status, string code)
    {
        var client = gateway.CreateClient();
        var requirements = DecodeRequired(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        gateway.Facilitator.Reset();
        var before = await gateway.CountEventsAsync();

        var response = await client.SendAsync(CreateSession(form(), Payment(requirements.Accepts[0], Payer)));

        await AssertErrorAsync(response, status, code);
        Assert.True((gateway.Facilitator.Verifies, gateway.Facilitator.Settles) == (0, 0), $"{name} reached the facilitator");
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task An_empty_body_is_refused()
    {
        var before = await gateway.CountEventsAsync();
        var response = await gateway.CreateClient().PostAsync("/v1/sessions", null);
        await AssertErrorAsync(response, 400, "multipart_required");
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task A_truncated_multipart_body_is_refused()
    {
        var content = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"accept_tos\"\r\n\r\ntr"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        await AssertErrorAsync(await gateway.CreateClient().PostAsync("/v1/sessions", content), 400, "invalid_multipart");
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_refused()
    {
        var response = await gateway.CreateClient().SendAsync(CreateSession(SessionForm(new byte[40 * 1024 * 1024])));
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains((await JsonAsync(response))["error"]!["code"]!.GetValue<string>(), new[] { "image_too_large", "request_too_large" });
    }

    [Theory]
    [InlineData("%%%not-base64%%%")]
    [InlineData("bm90IGpzb24gYXQgYWxs")]      // "not json at all"
    [InlineData("eyJ4NDAyVmVyc2lvbiI6Mn0=")]  // {"x402Version":2}: no accepted, no payload
    public async Task A_malformed_payment_signature_is_a_400(string header)
    {
        gateway.Facilitator.Reset();
        var before = await gateway.CountEventsAsync();
        var response = await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut), header));
        await AssertErrorAsync(response, 400, "invalid_payment_signature");
        Assert.Equal((0, 0), (gateway.Facilitator.Verifies, gateway.Facilitator.Settles));
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task Garbage_on_every_endpoint_never_gets_a_500()
    {
        var client = gateway.CreateClient();
        var junk = new ByteArrayContent(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919)).ToArray());
        junk.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        var attempts = new (HttpMethod, string)[]
        {
            (HttpMethod.Post, "/v1/sessions"), (HttpMethod.Get, "/v1/sessions/%25%32%65"), (HttpMethod.Get, "/v1/sessions/" + new string('a', 5000)),
            (HttpMethod.Post, "/v1/sessions/x/extend"), (HttpMethod.Post, "/v1/sessions/x/share"), (HttpMethod.Delete, "/v1/sessions/x"),
            (HttpMethod.Get, "/v1/view/x?share=" + new string('b', 3000)), (HttpMethod.Put, "/v1/sessions"), (HttpMethod.Get, "/../../etc/passwd"),
        };
        foreach (var (method, path) in attempts)
        {
            var request = WithBearer(method, path, "sk_" + new string('z', 40), method == HttpMethod.Get ? null : junk);
            var response = await client.SendAsync(request);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{method} {path} answered {(int)response.StatusCode}");
            Assert.NotNull((await JsonAsync(response))["error"]?["code"]);
        }
    }
}
