namespace Mirrorstage.Infra.Tests;

public sealed class BicepLintTests
{
    public static TheoryData<string> BicepFiles() =>
        new(Directory.EnumerateFiles(Bicep.Folder, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Bicep.Folder, f)).Order());

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_bicep_file_compiles_with_no_error_and_no_warning(string file)
    {
        var (json, diagnostics) = Bicep.Build(Path.Combine(Bicep.Folder, file));

        Assert.Equal("", diagnostics);
        Assert.StartsWith("{", json.TrimStart());
    }

    [Fact]
    public void The_parameters_file_compiles_against_main_with_no_error_and_no_warning()
    {
        var (json, diagnostics) = Bicep.BuildParams(Path.Combine(Bicep.Folder, "main.bicepparam"));

        Assert.Equal("", diagnostics);
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.Nodes.JsonNode.Parse(json)!["parametersJson"]!.ToString())!;
        Assert.Equal("mirrorstage", parameters["parameters"]!["prefix"]!["value"]!.ToString());
    }

    [Fact]
    public void The_security_rules_are_errors_in_bicepconfig()
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.Folder, "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!;

        foreach (var rule in new[] { "secure-secrets-in-params", "outputs-should-not-contain-secrets", "use-secure-value-for-secure-inputs",
                                     "no-hardcoded-env-urls", "no-unused-params", "no-unused-vars" })
            Assert.Equal("error", rules[rule]?["level"]?.ToString());
    }
}
