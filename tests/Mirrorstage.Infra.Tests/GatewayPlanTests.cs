namespace Mirrorstage.Infra.Tests;

/// <summary>Both gateway plans deploy with shared-key access off: each gets its code from the host account's
/// deployment container through the gateway identity, and neither names an Azure Files content share.</summary>
public sealed class GatewayPlanTests(CompiledTemplate arm) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void Elastic_premium_runs_from_the_package_blob_with_the_gateway_identity()
    {
        var variables = arm.ModuleTemplate("gateway")["variables"]!;
        var premium = variables["premiumSettings"]!.ToString();

        Assert.Contains("'WEBSITE_RUN_FROM_PACKAGE', variables('packageUrl')", premium);
        Assert.Contains("'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', parameters('identityId')", premium);
        Assert.Equal("[format('{0}{1}/gateway.zip', parameters('hostBlobEndpoint'), parameters('deploymentContainer'))]", variables["packageUrl"]!.ToString());
        // The identity can read that container: it owns the host account's blobs.
        var hostGrant = CompiledTemplate.Resources(arm.ModuleTemplate("storage")).Single(r => r.Symbol == "gatewayHost").Resource;
        Assert.Contains("host{1}", hostGrant["scope"]!.ToString());
        Assert.Equal("[parameters('gatewayPrincipalId')]", hostGrant["properties"]!["principalId"]!.ToString());
    }

    [Fact]
    public void No_plan_needs_a_content_share_or_an_account_key()
    {
        var gateway = CompiledTemplate.Text(arm.ModuleTemplate("gateway"));
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", gateway);
        Assert.DoesNotContain("WEBSITE_CONTENTSHARE", gateway);
        Assert.DoesNotContain("listKeys", gateway);
    }

    [Fact]
    public void The_outputs_name_the_site_and_the_package_the_publish_step_needs()
    {
        Assert.Equal("[reference('gateway').outputs.siteName.value]", arm.Main["outputs"]!["gatewaySiteName"]!["value"]!.ToString());
        Assert.Equal("[reference('gateway').outputs.packageUrl.value]", arm.Main["outputs"]!["gatewayPackageUrl"]!["value"]!.ToString());
    }
}
