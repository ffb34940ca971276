using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mirrorstage.X402.Evm;

/// <summary>The few Ethereum JSON-RPC calls settlement needs, over plain HTTP.</summary>
public sealed class EvmRpc(HttpClient http)
{
    private int _id;

    public sealed class RpcException(string message, string? data) : Exception(message)
    {
        public string? RevertData { get; } = data;
    }

    public async Task<JsonNode?> CallAsync(string method, CancellationToken ct, params object?[] parameters)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _id),
            ["method"] = method,
            ["params"] = JsonSerializer.SerializeToNode(parameters),
        };
        using var response = await http.PostAsJsonAsync("", body, ct);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? throw new RpcException($"{method}: empty answer", null);
        if (json["error"] is JsonObject error)
            throw new RpcException($"{method}: {error["message"]?.ToString()}", error["data"]?.ToString());
        return json["result"];
    }

    public async Task<BigInteger> QuantityAsync(string method, CancellationToken ct, params object?[] parameters) =>
        Hex.ParseQuantity((await CallAsync(method, ct, parameters))!.GetValue<string>());

    public async Task<byte[]> EthCallAsync(byte[] to, byte[] data, byte[]? from, CancellationToken ct)
    {
        var call = new Dictionary<string, string> { ["to"] = Hex.Encode(to), ["data"] = Hex.Encode(data) };
        if (from is not null) call["from"] = Hex.Encode(from);
        return Hex.Decode((await CallAsync("eth_call", ct, call, "latest"))!.GetValue<string>());
    }

    public async Task<BigInteger> EstimateGasAsync(byte[] from, byte[] to, byte[] data, CancellationToken ct) =>
        await QuantityAsync("eth_estimateGas", ct, new Dictionary<string, string> { ["from"] = Hex.Encode(from), ["to"] = Hex.Encode(to), ["data"] = Hex.Encode(data) });

    public async Task<JsonObject?> ReceiptAsync(string hash, CancellationToken ct) =>
        await CallAsync("eth_getTransactionReceipt", ct, hash) as JsonObject;
}
