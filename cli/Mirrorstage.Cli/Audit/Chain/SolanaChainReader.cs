using System.Numerics;
using System.Text.Json.Nodes;
using Mirrorstage.Events.Sessions;
using Nethereum.JsonRpc.Client;
using Nethereum.JsonRpc.Client.RpcMessages;
using Newtonsoft.Json.Linq;

namespace Mirrorstage.Cli.Audit.Chain;

/// <summary>Solana: getTransaction (jsonParsed) and the token balances before and after it: how much of the
/// asset's mint the payer's accounts lost and payTo's accounts gained. JSON-RPC through Nethereum's client.</summary>
internal sealed class SolanaChainReader(HttpClient http, string rpcUrl) : IChainReader
{
    private readonly SimpleRpcClient _rpc = new(new Uri(rpcUrl), http);

    public async Task<ChainTransfer> ReadAsync(PaymentSettled p, CancellationToken ct)
    {
        var options = new JObject { ["encoding"] = "jsonParsed", ["commitment"] = "confirmed", ["maxSupportedTransactionVersion"] = 0 };
        var answer = await _rpc.SendRequestAsync<JToken?>(new RpcRequest(1, "getTransaction", p.Transaction, options)).WaitAsync(ct);
        if (answer is not JObject found) return ChainTransfer.Missing;
        var result = JsonNode.Parse(found.ToString(Newtonsoft.Json.Formatting.None))!.AsObject();
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
