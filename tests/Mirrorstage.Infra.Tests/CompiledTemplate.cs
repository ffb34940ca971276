using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Mirrorstage.Infra.Tests;

/// <summary>infra/bicep/main.bicep compiled once by the Bicep CLI (linter on, bicepconfig.json's rules), with what
/// the compiler printed, and ways into the generated ARM JSON.</summary>
public sealed class CompiledTemplate
{
    public JsonObject Main { get; }
    public string Diagnostics { get; }

    public CompiledTemplate()
    {
        var (json, diagnostics) = Bicep.Build(Path.Combine(Bicep.Folder, "main.bicep"));
        Main = JsonNode.Parse(json)!.AsObject();
        Diagnostics = diagnostics;
    }

    /// <summary>A module's declaration in main (its parameters as main passes them).</summary>
    public JsonObject Module(string symbol) => Main["resources"]![symbol]!.AsObject();

    public JsonObject ModuleParameters(string symbol) => Module(symbol)["properties"]!["parameters"]!.AsObject();

    /// <summary>The template a module deploys.</summary>
    public JsonObject ModuleTemplate(string symbol) => Module(symbol)["properties"]!["template"]!.AsObject();

    /// <summary>Every resource a module template declares (symbolic-name or array form), with its symbol.</summary>
    public static IEnumerable<(string Symbol, JsonObject Resource)> Resources(JsonObject template) =>
        template["resources"] switch
        {
            JsonObject map => map.Select(kv => (kv.Key, kv.Value!.AsObject())),
            JsonArray list => list.Select((r, i) => (r!["name"]?.ToString() ?? i.ToString(), r.AsObject())),
            _ => [],
        };

    /// <summary>JSON text with ARM's quotes left readable (ARM expressions are full of them).</summary>
    public static string Text(JsonNode node) => node.ToJsonString(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The literal value main passes for a module parameter (a JSON object of settings, say).</summary>
    public JsonObject LiteralParameter(string module, string parameter) =>
        ModuleParameters(module)[parameter]!["value"] as JsonObject
        ?? throw new InvalidOperationException($"{module}.{parameter} is not a literal object in main.json.");
}

public static class Bicep
{
    static string Metadata(string key) => typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    public static string Folder => Path.GetFullPath(Metadata("BicepFolder"));

    public static string Cli => Environment.GetEnvironmentVariable("MIRRORSTAGE_BICEP") is { Length: > 0 } path ? path : Metadata("BicepCli");

    /// <summary>Runs `bicep build FILE --stdout`: the ARM JSON and everything the compiler and linter printed.</summary>
    public static (string Json, string Diagnostics) Build(string file) => Run("build", file);

    /// <summary>Runs `bicep build-params FILE.bicepparam --stdout`: the parameters JSON (and the template it uses)
    /// and everything the compiler and linter printed.</summary>
    public static (string Json, string Diagnostics) BuildParams(string file) => Run("build-params", file);

    static (string Json, string Diagnostics) Run(string command, string file)
    {
        EnsureExecutable(Cli);
        var start = new ProcessStartInfo(Cli, [command, file, "--stdout"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"bicep {command} {file} failed:\n{stderr}");
        return (stdout.Result, stderr.Trim());
    }

    static void EnsureExecutable(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The Bicep CLI is not at {path} (restore the test project).", path);
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute)) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
    }
}
