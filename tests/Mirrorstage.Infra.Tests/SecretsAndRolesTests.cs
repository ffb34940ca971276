using System.Text.Json.Nodes;

namespace Mirrorstage.Infra.Tests;

public sealed class SecretsAndRolesTests(CompiledTemplate arm) : IClassFixture<CompiledTemplate>
{
    static readonly string[] SecureParameters = ["tokenSecret", "relayerPrivateKey", "liveKitApiSecret"];

    [Fact]
    public void Secret_parameters_are_secure_and_reach_only_key_vault()
    {
        var parameters = arm.Main["parameters"]!.AsObject();
        foreach (var name in SecureParameters)
        {
            Assert.Equal("securestring", parameters[name]!["type"]!.ToString());
            var users = arm.Main["resources"]!.AsObject()
                .Where(r => CompiledTemplate.Text(r.Value!).Contains($"parameters('{name}')", StringComparison.Ordinal))
                .Select(r => r.Key).ToList();
            Assert.Equal(["vault"], users);
        }
    }

    [Fact]
    public void No_output_carries_a_secret_or_a_key()
    {
        var outputs = CompiledTemplate.Text(arm.Main["outputs"]!);
        foreach (var name in SecureParameters) Assert.DoesNotContain(name, outputs);
        Assert.DoesNotContain("listKeys", outputs);
        Assert.DoesNotContain("secretUri", outputs);
        Assert.DoesNotContain("listKeys", CompiledTemplate.Text(arm.Main));
    }

    [Theory]
    [InlineData("Mirrorstage__Gateway__TokenSecret")]
    [InlineData("Mirrorstage__LiveKit__ApiSecret")]
    public void The_gateways_secrets_are_key_vault_references(string key)
    {
        var value = arm.LiteralParameter("gateway", "settings")[key]!.ToString();
        Assert.Contains("keyVaultReference(reference('vault')", value);
        var reference = CompiledTemplate.Text(arm.Main["functions"]!);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", reference);
    }

    [Fact]
    public void The_relayer_key_is_set_only_as_a_key_vault_reference()
    {
        var payments = arm.ModuleParameters("gateway")["paymentSettings"]!["value"]!.ToString();
        Assert.Contains("reference('vault').outputs.relayerKeyUri", payments);
        var networkFunction = CompiledTemplate.Text(arm.Main["functions"]!);
        Assert.Contains("RelayerPrivateKey", networkFunction);
        Assert.Contains("keyVaultReference", networkFunction);
    }

    [Fact]
    public void The_worker_reads_the_livekit_secret_through_a_container_apps_secret_reference()
    {
        Assert.DoesNotContain("Mirrorstage__LiveKit__ApiSecret", arm.LiteralParameter("worker", "settings").Select(kv => kv.Key));
        Assert.Contains("liveKitSecretUri", arm.LiteralParameter("worker", "vaultReferences")["Mirrorstage__LiveKit__ApiSecret"]!.ToString());
        var template = CompiledTemplate.Text(arm.ModuleTemplate("worker"));
        Assert.Contains("keyVaultUrl", template);
        Assert.Contains("secretRef", template);
    }

    public static TheoryData<string, string, string> Grants() => new()
    {
        { "queue", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "gatewayPrincipalId" }, // Service Bus Data Sender
        { "queue", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "workerPrincipalId" },  // Service Bus Data Receiver
        { "storage", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "gatewayPrincipalId" }, // Storage Blob Data Contributor
        { "storage", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "workerPrincipalId" },
        { "vault", "4633458b-17de-408a-b874-0445c86b69e6", "gatewayPrincipalId" }, // Key Vault Secrets User
        { "vault", "4633458b-17de-408a-b874-0445c86b69e6", "workerPrincipalId" },
    };

    [Theory]
    [MemberData(nameof(Grants))]
    public void Each_component_holds_exactly_the_roles_it_needs(string module, string roleId, string principalParameter)
    {
        var template = arm.ModuleTemplate(module);
        var assignments = CompiledTemplate.Resources(template)
            .Where(r => r.Resource["type"]!.ToString() == "Microsoft.Authorization/roleAssignments")
            .Select(r => r.Resource["properties"]!)
            .Where(p => RoleOf(template, p["roleDefinitionId"]!.ToString()) == roleId)
            .Select(p => p["principalId"]!.ToString()).ToList();

        Assert.Contains($"[parameters('{principalParameter}')]", assignments);
        var identity = principalParameter.Replace("PrincipalId", "", StringComparison.Ordinal);
        Assert.Equal($"[reference('identities').outputs.{identity}PrincipalId.value]",
            arm.ModuleParameters(module)[principalParameter]!["value"]!.ToString());
    }

    /// <summary>The role definition id an assignment names, through the imported roleIds variable.</summary>
    static string RoleOf(JsonObject template, string expression)
    {
        var match = System.Text.RegularExpressions.Regex.Match(expression, @"variables\('roleIds'\)\.(\w+)");
        return match.Success ? template["variables"]!["roleIds"]![match.Groups[1].Value]!.ToString() : expression;
    }

    [Fact]
    public void Storage_accounts_refuse_shared_keys_and_public_blobs()
    {
        var accounts = CompiledTemplate.Resources(arm.ModuleTemplate("storage"))
            .Where(r => r.Resource["type"]!.ToString() == "Microsoft.Storage/storageAccounts").ToList();
        Assert.Equal(2, accounts.Count);
        Assert.All(accounts, a =>
        {
            Assert.False(a.Resource["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
            Assert.False(a.Resource["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());
        });
    }

    [Fact]
    public void Service_bus_and_postgres_take_identities_only()
    {
        var ns = CompiledTemplate.Resources(arm.ModuleTemplate("queue")).Single(r => r.Resource["type"]!.ToString() == "Microsoft.ServiceBus/namespaces");
        Assert.True(ns.Resource["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        var pg = CompiledTemplate.Resources(arm.ModuleTemplate("database")).Single(r => r.Resource["type"]!.ToString() == "Microsoft.DBforPostgreSQL/flexibleServers");
        Assert.Equal("Disabled", pg.Resource["properties"]!["authConfig"]!["passwordAuth"]!.ToString());
        Assert.Equal("Enabled", pg.Resource["properties"]!["authConfig"]!["activeDirectoryAuth"]!.ToString());
    }
}
