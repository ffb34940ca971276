using System.Text.RegularExpressions;

namespace Mirrorstage.Infra.Tests;

/// <summary>The README's parameter table ("Deploying to Azure") names every parameter main.bicep takes, and no other.</summary>
public sealed partial class ReadmeParametersTests(CompiledTemplate arm) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void The_readme_parameter_table_lists_exactly_the_templates_parameters()
    {
        var readme = File.ReadAllText(Path.Combine(Bicep.Folder, "../../README.md"));
        var section = readme[readme.IndexOf("## Deploying to Azure", StringComparison.Ordinal)..];
        var table = section[section.IndexOf("| parameter |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var documented = table.Split('\n').Skip(2)
            .SelectMany(row => Name().Matches(row.Split('|')[1]).Select(m => m.Groups[1].Value)).Order().ToList();

        Assert.Equal(arm.Main["parameters"]!.AsObject().Select(p => p.Key).Order().ToList(), documented);
    }

    [GeneratedRegex("`([A-Za-z]+)`")]
    private static partial Regex Name();
}
