using System.Reflection;
using System.Text.Json.Nodes;

namespace Mirrorstage.Infra.Tests;

/// <summary>The app settings the template gives each component, checked against the option classes the code binds:
/// a misspelt or stale setting name fails here instead of silently doing nothing in Azure.</summary>
public sealed class SettingsWiringTests(CompiledTemplate arm) : IClassFixture<CompiledTemplate>
{
    static readonly Assembly[] CodeAssemblies =
    [
        typeof(Mirrorstage.Functions.GatewayOptions).Assembly,
        typeof(Mirrorstage.GpuWorker.WorkerOptions).Assembly,
    ];

    Dictionary<string, JsonNode?> GatewaySettings() => Merge(
        arm.ModuleTemplate("gateway")["variables"]!["hostSettings"]!.AsObject(),
        arm.LiteralParameter("gateway", "sharedSettings"), arm.LiteralParameter("gateway", "settings"));

    Dictionary<string, JsonNode?> WorkerSettings() => Merge(
        arm.LiteralParameter("worker", "sharedSettings"), arm.LiteralParameter("worker", "settings"),
        arm.LiteralParameter("worker", "vaultReferences"));

    static Dictionary<string, JsonNode?> Merge(params JsonObject[] parts) =>
        parts.SelectMany(p => p).ToDictionary(kv => kv.Key, kv => kv.Value);

    [Fact]
    public void Every_mirrorstage_setting_binds_to_an_option_the_code_reads()
    {
        var unknown = GatewaySettings().Keys.Concat(WorkerSettings().Keys)
            .Where(k => k.StartsWith("Mirrorstage__", StringComparison.Ordinal))
            .Where(k => !OptionExists(k.Split("__")))
            .Distinct().ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public void The_payment_network_fields_bind_to_network_options()
    {
        foreach (var field in new[] { "Network", "PayTo", "FacilitatorUrl", "Settlement", "FeePayer", "RelayerPrivateKey", "RpcUrl" })
            Assert.True(OptionExists(["Mirrorstage", "Payments", "Networks", "0", field]), field);
    }

    [Theory]
    [InlineData("ConnectionStrings__Marten")]
    [InlineData("AZURE_CLIENT_ID")]
    [InlineData("Mirrorstage__Database__Authentication")]
    [InlineData("Mirrorstage__Queue__Transport")]
    [InlineData("Mirrorstage__Queue__ServiceBusNamespace")]
    [InlineData("Mirrorstage__Queue__QueueName")]
    [InlineData("Mirrorstage__Blobs__Provider")]
    [InlineData("Mirrorstage__Blobs__AzureServiceUri")]
    [InlineData("Mirrorstage__Blobs__AzureContainer")]
    [InlineData("Mirrorstage__Telemetry__Exporter")]
    public void Both_components_get_what_they_need_to_reach_the_store_queue_blobs_and_telemetry(string key)
    {
        Assert.Contains(key, GatewaySettings().Keys);
        Assert.Contains(key, WorkerSettings().Keys);
    }

    [Theory]
    [InlineData("Mirrorstage__Gateway__TokenSecret")]
    [InlineData("Mirrorstage__Gateway__WebSocketBaseUrl")]
    [InlineData("Mirrorstage__Capacity__MaxFleetSlots")]
    [InlineData("Mirrorstage__Pricing__PricePerMinuteUsd")]
    public void The_gateway_gets_its_own_settings(string key) => Assert.Contains(key, GatewaySettings().Keys);

    [Theory]
    [InlineData("Mirrorstage__Worker__RenderSlots")]
    [InlineData("Mirrorstage__Worker__InternalUrl")]
    [InlineData("ASPNETCORE_URLS")]
    public void The_worker_gets_its_own_settings(string key) => Assert.Contains(key, WorkerSettings().Keys);

    [Fact]
    public void The_payment_journal_is_on_a_writable_absolute_path_not_under_the_read_only_package()
    {
        // The default (data/payment-journal) is relative to the working directory: on a Function App that is the
        // package, mounted read-only.
        Assert.Equal("[parameters('gatewayJournalFolder')]", GatewaySettings()["Mirrorstage__Payments__Journal__Folder"]!.ToString());
        var folder = arm.Main["parameters"]!["gatewayJournalFolder"]!["defaultValue"]!.ToString();
        Assert.StartsWith("/tmp/", folder);
    }

    [Fact]
    public void The_gateways_database_user_is_its_own_identity()
    {
        var marten = GatewaySettings()["ConnectionStrings__Marten"]!.ToString();
        Assert.Contains("gatewayName", marten);
        Assert.DoesNotContain("Password", marten, StringComparison.OrdinalIgnoreCase);
        var workerMarten = WorkerSettings()["ConnectionStrings__Marten"]!.ToString();
        Assert.Contains("workerName", workerMarten);
    }

    [Fact]
    public void The_functions_hosts_own_telemetry_signs_in_with_the_gateway_identity()
    {
        var authentication = GatewaySettings()["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]!.ToString();
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", authentication);
    }

    /// <summary>Walks Section[:Subsection]:Property[:index:Property...] through the option classes' public settable properties,
    /// the way the configuration binder does (case-insensitive; numeric segments index into a list).</summary>
    static bool OptionExists(string[] path)
    {
        // The longest section that names an options class: Mirrorstage:Payments:Journal before Mirrorstage:Payments.
        var types = CodeAssemblies.Concat(CodeAssemblies.SelectMany(a => a.GetReferencedAssemblies()
                .Where(r => r.Name!.StartsWith("Mirrorstage", StringComparison.Ordinal)).Select(Assembly.Load)))
            .Distinct().SelectMany(a => a.GetTypes()).ToList();
        var (type, depth) = Enumerable.Range(2, path.Length - 2).Reverse()
            .Select(n => (Type: types.FirstOrDefault(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string == string.Join(':', path.Take(n))), Depth: n))
            .FirstOrDefault(c => c.Type is not null);
        if (type is null) return false;
        foreach (var segment in path.Skip(depth))
        {
            if (int.TryParse(segment, out _))
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single();
                continue;
            }
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is null && !IsCollection(property.PropertyType)) return false;
            type = property.PropertyType;
        }
        return true;
    }

    static bool IsCollection(Type t) => t != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(t);
}
