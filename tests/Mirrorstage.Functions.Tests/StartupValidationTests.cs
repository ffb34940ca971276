using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class StartupValidationTests
{
    [Fact]
    public async Task A_payment_network_that_cannot_take_payments_stops_the_gateway_at_start()
    {
        var e = await StartupRefusal.OfAsync(new Dictionary<string, string?>
        {
            ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.10",
            ["Mirrorstage:Payments:Networks:0:Network"] = "base",
        });
        var validation = StartupRefusal.Validation(e);
        Assert.True(validation is not null, e.ToString());
        Assert.Contains(validation.Failures, f => f.Contains("eip155:8453: PayTo is required."));
        Assert.Contains(validation.Failures, f => f.Contains("FacilitatorUrl is required"));
    }

    [Fact]
    public async Task A_price_finer_than_one_USDC_unit_stops_the_gateway_at_start()
    {
        var e = await StartupRefusal.OfAsync(new Dictionary<string, string?> { ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.0000001" });
        Assert.True(e.ToString().Contains("whole number of USDC atomic units"), e.ToString());
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_no_address_or_network_stops_the_gateway_at_start()
    {
        var e = await StartupRefusal.OfAsync(new Dictionary<string, string?> { ["Mirrorstage:Gateway:TrustedProxies:0"] = "nginx" });
        Assert.True(e.ToString().Contains("Mirrorstage:Gateway:TrustedProxies"), e.ToString());
    }

    [Fact]
    public async Task A_paying_gateway_without_a_writable_payment_journal_stops_at_start()
    {
        var blocked = Path.Combine(Path.GetTempPath(), "ms-journal-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(blocked, "a file where the journal folder should be");
        try
        {
            var e = await StartupRefusal.OfAsync(new Dictionary<string, string?>(PaidGateway.Settings)
            {
                ["Mirrorstage:Payments:Journal:Folder"] = Path.Combine(blocked, "journal"),
            });
            Assert.True(e.ToString().Contains("Mirrorstage:Payments:Journal:Folder"), e.ToString());
            Assert.Contains(blocked, e.Message);
        }
        finally
        {
            File.Delete(blocked);
        }
    }
}
