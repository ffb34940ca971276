using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Audit.Chain;

/// <summary>Solana: getTransaction (jsonParsed) and the token balances before and after it: how much of the
/// asset's mint the payer's accounts lost and payTo's accounts gained.</summary>
internal sealed class SolanaChainReader(HttpClient http, string rpcUrl) : IChainReader
{
    public async Task<ChainTransfer> ReadAsync(PaymentSettled p, CancellationToken ct)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "getTransaction",
            ["params"] = new JsonArray(p.Transaction, new JsonObject
            {
                ["encoding"] = "jsonParsed", ["commitment"] = "confirmed", ["maxSupportedTransactionVersion"] = 0,
            }),
        };
        using var response = await http.PostAsJsonAsync(rpcUrl, request, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? throw new JsonException("empty JSON-RPC answer");
        if (body["error"] is { } error) throw new InvalidOperationException($"getTransaction: {error.ToJsonString()}");
        if (body["result"] is not JsonObject result) return ChainTransfer.Missing;
        var meta = result["meta"] as JsonObject;
        if (meta?["err"] is not null) return new ChainTransfer(true, false, 0, 0);
        var received = Change(meta, p.Asset, p.PayTo);
        var sent = -Change(meta, p.Asset, p.Payer);
        return new ChainTransfer(true, true, sent, received);
    }

    /// <summary>post - pre of every token account of <paramref name="mint"/> owned by <paramref name="owner"/>.</summary>
    private static BigInteger Change(JsonObject? meta, string mint, string? owner) =>
        Sum(meta?["postTokenBalances"], mint, owner) - Sum(meta?["preTokenBalances"], mint, owner);

    private static BigInteger Sum(JsonNode? balances, string mint, string? owner) =>
        (balances as JsonArray ?? []).OfType<JsonObject>()
            .Where(b => (string?)b["mint"] == mint && (string?)b["owner"] == owner)
            .Aggregate(BigInteger.Zero, (sum, b) => sum + BigInteger.Parse((string?)b["uiTokenAmount"]?["amount"] ?? "0"));
}
