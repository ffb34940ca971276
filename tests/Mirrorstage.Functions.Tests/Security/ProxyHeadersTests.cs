using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.Security;

/// <summary>The limited gateway of <see cref="LimitedGateway"/> (3 unpaid requests per client IP) behind a proxy
/// it trusts: the 10.0.0.0/8 network.</summary>
public sealed class ProxiedGateway() : AddressedGateway(new Dictionary<string, string?>(LimitedGateway.Limits)
{
    ["Mirrorstage:Gateway:TrustedProxies:0"] = "10.0.0.0/8",
    ["Mirrorstage:Gateway:PublicBaseUrl"] = null, // URLs from the request, as the proxy forwards it
});

[Collection(GatewayCollection.Name)]
public class ProxyHeadersTests(ProxiedGateway proxied, LimitedGateway direct) : IClassFixture<ProxiedGateway>, IClassFixture<LimitedGateway>
{
    private static HttpRequestMessage Probe(string? forwardedFor)
    {
        var request = CreateSession(SessionForm(TestImages.Astronaut));
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task Clients_behind_a_trusted_proxy_each_have_their_own_budget()
    {
        var proxy = proxied.From("10.1.2.3");
        for (var i = 0; i < 3; i++) await AssertErrorAsync(await proxy.SendAsync(Probe("198.51.100.7")), 402, "payment_required");
        await AssertErrorAsync(await proxy.SendAsync(Probe("198.51.100.7")), 429, "rate_limited");

        // Another client through the same proxy, and one whose own (untrusted) hop claims to be the first client.
        await AssertErrorAsync(await proxy.SendAsync(Probe("198.51.100.8")), 402, "payment_required");
        await AssertErrorAsync(await proxy.SendAsync(Probe("198.51.100.7, 198.51.100.9")), 402, "payment_required");
    }

    [Fact]
    public async Task A_client_that_is_no_trusted_proxy_cannot_choose_its_address()
    {
        foreach (var gateway in new Func<string, HttpClient>[] { proxied.From, direct.From })
        {
            var client = gateway("203.0.113.70");
            for (var i = 0; i < 3; i++) await AssertErrorAsync(await client.SendAsync(Probe($"198.51.100.{20 + i}")), 402, "payment_required");
            await AssertErrorAsync(await client.SendAsync(Probe("198.51.100.30")), 429, "rate_limited");
        }
    }

    [Fact]
    public async Task A_trusted_proxy_that_terminates_TLS_gets_https_URLs_and_no_one_else_does()
    {
        async Task<string> ResourceUrl(string from)
        {
            var request = Probe("198.51.100.40");
            request.Headers.Add("X-Forwarded-Proto", "https");
            return DecodeRequired(await proxied.From(from).SendAsync(request)).Resource.Url;
        }
        Assert.Equal("https://render.test/v1/sessions", await ResourceUrl("10.9.9.9"));
        Assert.Equal("http://render.test/v1/sessions", await ResourceUrl("203.0.113.71"));
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::/8", true)]
    [InlineData("nginx", false)]
    [InlineData("10.0.0.0/33", false)]
    public void Trusted_proxies_are_addresses_or_networks(string entry, bool valid) =>
        Assert.Equal(valid, ProxyHeaders.Parse(entry) is not null);
}
