using System.Net;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.X402.Models;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.Security;

/// <summary>A gateway whose clients connect from the addresses the tests choose.</summary>
public class AddressedGateway(IDictionary<string, string?> settings) : GatewayFactory(settings)
{
    /// <summary>A client whose requests come from this address.</summary>
    public HttpClient From(string ip) =>
        new(Server.CreateHandler(http => http.Connection.RemoteIpAddress = IPAddress.Parse(ip))) { BaseAddress = new Uri("http://render.test") };
}

/// <summary>A paying gateway with small fair-use budgets: 3 unpaid requests per client IP, 2 paid per wallet,
/// 5 paid per client IP.</summary>
public sealed class LimitedGateway() : AddressedGateway(Limits)
{
    public static Dictionary<string, string?> Limits => new(PaidGateway.Settings)
    {
        ["Mirrorstage:RateLimits:Enabled"] = "true",
        ["Mirrorstage:RateLimits:UnpaidPerClientIp"] = "3",
        ["Mirrorstage:RateLimits:PaidPerWallet"] = "2",
        ["Mirrorstage:RateLimits:PaidPerClientIp"] = "5",
        ["Mirrorstage:RateLimits:WindowSeconds"] = "600",
    };
}

[Collection(GatewayCollection.Name)]
public class RateLimitTests(LimitedGateway gateway) : IClassFixture<LimitedGateway>
{
    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        await AssertErrorAsync(response, 429, "rate_limited");
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single()), 1, 600);
    }

    [Fact]
    public async Task Payment_probes_beyond_the_IP_budget_get_429_and_other_addresses_do_not()
    {
        _ = gateway.Server; // started
        var client = gateway.From("203.0.113.10");
        for (var i = 0; i < 3; i++)
            await AssertErrorAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))), 402, "payment_required");
        await AssertLimitedAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));

        await AssertErrorAsync(await gateway.From("203.0.113.11").SendAsync(CreateSession(SessionForm(TestImages.Astronaut))), 402, "payment_required");
    }

    [Fact]
    public async Task View_credentials_spend_the_same_IP_budget()
    {
        _ = gateway.Server;
        var client = gateway.From("203.0.113.20");
        var id = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
            await AssertErrorAsync(await client.GetAsync($"/v1/view/{id}?share=sh_guess{i}"), 401, "invalid_share_token");
        await AssertLimitedAsync(await client.GetAsync($"/v1/view/{id}?share=sh_guess9"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode); // not limited
    }

    [Fact]
    public async Task Paid_creates_are_limited_per_wallet_before_any_settlement()
    {
        _ = gateway.Server;
        var accepted = DecodeRequired(await gateway.From("203.0.113.30").SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        gateway.Facilitator.Reset();
        const string walletA = "0x00000000000000000000000000000000000000D1", walletB = "0x00000000000000000000000000000000000000D2";
        var client = gateway.From("203.0.113.31");

        for (var i = 0; i < 2; i++)
            Assert.Equal(201, (int)(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, walletA)))).StatusCode);
        await AssertLimitedAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, walletA))));
        Assert.Equal(2, gateway.Facilitator.Settles); // the limited one never reached settlement

        // Another wallet from the same address has its own budget; paid creates do not spend the IP's.
        Assert.Equal(201, (int)(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, walletB)))).StatusCode);
        await AssertErrorAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))), 402, "payment_required");
    }

    [Fact]
    public async Task A_caller_rotating_wallets_is_bounded_by_its_address()
    {
        _ = gateway.Server;
        var accepted = DecodeRequired(await gateway.From("203.0.113.40").SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        var client = gateway.From("203.0.113.41");
        string Wallet(int i) => "0x00000000000000000000000000000000000000E" + i;

        for (var i = 0; i < 5; i++)
            Assert.Equal(201, (int)(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Wallet(i))))).StatusCode);
        gateway.Facilitator.Reset();
        await AssertLimitedAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Wallet(7)))));
        Assert.Equal(0, gateway.Facilitator.Settles);

        Assert.Equal(201, (int)(await gateway.From("203.0.113.42").SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Wallet(8))))).StatusCode);
    }
}
