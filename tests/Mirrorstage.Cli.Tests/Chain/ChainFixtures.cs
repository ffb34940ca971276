using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mirrorstage.Cli.Tests.Chain;

/// <summary>anvil with real settlements through the official x402 facilitator (the conformance rig's pieces,
/// driven by anvil-settlements.mjs): 1,000,000 then 500,000 then 1,000,000 atomic units, from three payers.</summary>
public sealed class AnvilSettlements : IAsyncLifetime
{
    private Process? _node;

    public string RpcUrl { get; private set; } = "";
    public string Token { get; private set; } = "";
    public string PayTo { get; private set; } = "";
    public (string Payer, long Amount, string Transaction)[] Settlements { get; private set; } = [];
    /// <summary>A mined transaction that reverted: a transfer of 1,000,000 from an account without funds.</summary>
    public (string Payer, long Amount, string Transaction) Reverted { get; private set; }

    public async Task InitializeAsync()
    {
        var root = RepoRoot();
        _node = Process.Start(new ProcessStartInfo("node", ["anvil-settlements.mjs", "56810", "56811", "1000000", "500000", "1000000"])
        {
            WorkingDirectory = Path.Combine(root, "tests", "Mirrorstage.Cli.Tests", "Chain"),
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var line = await _node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90))
            ?? throw new InvalidOperationException("the chain rig ended early: " + await _node.StandardError.ReadToEndAsync());
        var json = JsonNode.Parse(line)!;
        (RpcUrl, Token, PayTo) = ((string)json["rpcUrl"]!, (string)json["token"]!, (string)json["payTo"]!);
        Settlements = json["settlements"]!.AsArray()
            .Select(Settlement).ToArray();
        Reverted = Settlement(json["reverted"]);
    }

    private static (string, long, string) Settlement(JsonNode? s) =>
        ((string)s!["payer"]!, long.Parse((string)s["amount"]!), (string)s["transaction"]!);

    public async Task DisposeAsync()
    {
        if (_node is null) return;
        _node.StandardInput.Close(); // the rig stops anvil and the facilitator
        if (!_node.WaitForExit(10_000)) _node.Kill(entireProcessTree: true);
        await Task.CompletedTask;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mirrorstage.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Mirrorstage.sln not found");
    }
}

/// <summary>A Solana JSON-RPC on loopback that answers getTransaction from solana-transactions.json (hand-written
/// in the documented shape: no Solana validator or RPC runs here) and null for any other signature.</summary>
public sealed class RecordedSolanaRpc : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly JsonObject _recorded;

    public RecordedSolanaRpc()
    {
        _recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(AnvilSettlements.RepoRoot(), "tests", "Mirrorstage.Cli.Tests", "Chain", "solana-transactions.json")))!.AsObject();
        Url = "http://127.0.0.1:56812/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var request = JsonNode.Parse(context.Request.InputStream)!;
            var signature = (string)request["params"]![0]!;
            var answer = (string?)request["method"] == "getTransaction"
                ? new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]!.DeepClone(), ["result"] = _recorded[signature]?.DeepClone() }
                : new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]!.DeepClone(), ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" } };
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString(new JsonSerializerOptions()));
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
