using Microsoft.Extensions.Options;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class StartupValidationTests
{
    [Fact]
    public void A_payment_network_that_cannot_take_payments_stops_the_gateway_at_start()
    {
        using var broken = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.10",
            ["Mirrorstage:Payments:Networks:0:Network"] = "base",
        });
        var e = Assert.ThrowsAny<Exception>(() => broken.CreateClient());
        var validation = e as OptionsValidationException ?? e.InnerException as OptionsValidationException ?? (e as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, e.ToString());
        Assert.Contains(validation.Failures, f => f.Contains("eip155:8453: PayTo is required."));
        Assert.Contains(validation.Failures, f => f.Contains("FacilitatorUrl is required"));
    }

    [Fact]
    public void A_price_finer_than_one_USDC_unit_stops_the_gateway_at_start()
    {
        using var broken = new GatewayFactory(new Dictionary<string, string?> { ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.0000001" });
        var e = Assert.ThrowsAny<Exception>(() => broken.CreateClient());
        Assert.True(e.ToString().Contains("whole number of USDC atomic units"), e.ToString());
    }
}
