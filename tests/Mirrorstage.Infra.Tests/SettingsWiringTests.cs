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

    [Fact]
    public void The_face_models_the_gateway_is_told_to_open_ship_with_its_publish_output()
    {
        var published = PublishedFiles(Path.Combine(Bicep.Folder, "../../functions/Mirrorstage.Functions/Mirrorstage.Functions.csproj"));
        foreach (var key in new[] { "Mirrorstage__Images__CascadePath", "Mirrorstage__Images__LandmarkModelPath" })
        {
            var path = GatewaySettings()[key]!.ToString();
            Assert.True(published.TryGetValue(path, out var source), $"{key} = {path} is not in the Functions publish output");
            Assert.True(File.Exists(source), $"{source} (published as {path}) is missing on this machine");
        }
    }

    [Fact]
    public void The_neural_engine_gets_its_model_path_when_it_is_the_chosen_engine()
    {
        Assert.Equal("[if(equals(parameters('renderEngine'), 'wav2lip-onnx'), parameters('workerNeuralModelPath'), '')]",
            WorkerSettings()["Mirrorstage__Worker__Neural__ModelPath"]!.ToString());
    }

    /// <summary>The project's extra files that publish copies (None items with CopyToPublishDirectory): where they
    /// land in the output, and the file each comes from, as MSBuild evaluates the project.</summary>
    static Dictionary<string, string> PublishedFiles(string project)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", ["msbuild", project, "-getItem:None"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output + process.StandardError.ReadToEnd());
        return JsonNode.Parse(output)!["Items"]!["None"]!.AsArray()
            .Where(i => i!["CopyToPublishDirectory"]?.ToString() is "Always" or "PreserveNewest")
            .ToDictionary(i => i!["Link"]?.ToString() is { Length: > 0 } link ? link : i!["Identity"]!.ToString(), i => i!["FullPath"]!.ToString());
    }

    /// <summary>Options whose file-path default holds in Azure, and why.</summary>
    static readonly Dictionary<string, string> PathDefaultsThatHold = new()
    {
        ["worker Mirrorstage:Images:CascadePath"] = "the worker image installs Debian's opencv-data (gpu-worker/Dockerfile)",
        ["worker Mirrorstage:Images:LandmarkModelPath"] = "the worker image installs Debian's libdlib-data (gpu-worker/Dockerfile)",
        ["worker Mirrorstage:Worker:PreviewFolder"] = "the worker image's /app/data, writable by its user (gpu-worker/Dockerfile)",
        ["worker Mirrorstage:Worker:RecordingFolder"] = "the worker image's /app/data; a finished recording moves to the blob store",
        ["gateway Mirrorstage:Blobs:Folder"] = "Blobs:Provider is azure",
        ["worker Mirrorstage:Blobs:Folder"] = "Blobs:Provider is azure",
    };

    /// <summary>Every option a component binds whose default is a path on a developer's disk (a Debian package's
    /// file, a folder under the working directory) is set for that component, unless the default holds there.</summary>
    [Fact]
    public void Every_option_with_a_file_path_default_is_set_where_the_default_does_not_hold()
    {
        var unset = new List<string>();
        foreach (var (component, settings, code) in new[]
        {
            ("gateway", GatewaySettings(), typeof(Mirrorstage.Functions.GatewayOptions).Assembly),
            ("worker", WorkerSettings(), typeof(Mirrorstage.GpuWorker.WorkerOptions).Assembly),
        })
        {
            foreach (var (section, property) in PathOptions(code))
            {
                var key = $"{section}:{property}";
                if (!settings.ContainsKey(key.Replace(":", "__")) && !PathDefaultsThatHold.ContainsKey($"{component} {key}"))
                    unset.Add($"{component} {key}");
            }
        }
        Assert.Empty(unset);
        Assert.Contains(("Mirrorstage:Images", "CascadePath"), PathOptions(typeof(Mirrorstage.Functions.GatewayOptions).Assembly)); // the walk sees them
    }

    /// <summary>Options classes (a Section constant) in an assembly and the Mirrorstage assemblies it references,
    /// and their string properties whose default is a file-system path.</summary>
    static IEnumerable<(string Section, string Property)> PathOptions(Assembly code) =>
        new[] { code }.Concat(code.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Mirrorstage", StringComparison.Ordinal)).Select(Assembly.Load))
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.IsLiteral == true && t.GetConstructor(Type.EmptyTypes) is not null)
            .SelectMany(t =>
            {
                var defaults = Activator.CreateInstance(t);
                return t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.PropertyType == typeof(string) && p.SetMethod is not null && IsPath(p.GetValue(defaults) as string))
                    .Select(p => ((string)t.GetField("Section")!.GetRawConstantValue()!, p.Name));
            });

    /// <summary>An absolute file path, or a folder under the working directory's data/ (what the local mode uses).</summary>
    static bool IsPath(string? value) => value is { Length: > 1 } && !value.Contains('{') && (value.StartsWith('/') || value.StartsWith("data/", StringComparison.Ordinal));

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
