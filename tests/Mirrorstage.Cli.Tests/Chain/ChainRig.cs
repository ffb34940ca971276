using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Mirrorstage.Cli.Tests.Chain;

/// <summary>One chain rig: a node script in this folder (its imports resolve in tests/conformance, whose node_modules
/// hold the chains and the official x402 SDK) that prints one JSON line once its settlements are on chain, and keeps
/// the chain up until its standard input closes.</summary>
internal sealed class ChainRig : IDisposable
{
    private readonly Process _node;

    private ChainRig(Process node, JsonNode ready) => (_node, Ready) = (node, ready);

    /// <summary>The rig's line: where its chain is and what it settled.</summary>
    public JsonNode Ready { get; }

    public static async Task<ChainRig> StartAsync(string script, params string[] args)
    {
        var node = Process.Start(new ProcessStartInfo("node", [script, .. args])
        {
            WorkingDirectory = Path.Combine(RepoRoot(), "tests", "Mirrorstage.Cli.Tests", "Chain"),
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90))
            ?? throw new InvalidOperationException($"{script} ended early: " + await node.StandardError.ReadToEndAsync());
        return new ChainRig(node, JsonNode.Parse(line)!);
    }

    /// <summary>A settlement as the rig prints it: {payer, amount, transaction}.</summary>
    public static (string Payer, long Amount, string Transaction) Settlement(JsonNode? s) =>
        ((string)s!["payer"]!, long.Parse((string)s["amount"]!), (string)s["transaction"]!);

    public void Dispose()
    {
        _node.StandardInput.Close(); // the rig stops its chain and facilitator
        if (!_node.WaitForExit(10_000)) _node.Kill(entireProcessTree: true);
        _node.Dispose();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mirrorstage.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Mirrorstage.sln not found");
    }
}
