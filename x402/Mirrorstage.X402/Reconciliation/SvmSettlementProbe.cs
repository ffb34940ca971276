using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;
using Nethereum.JsonRpc.Client;
using Nethereum.JsonRpc.Client.RpcMessages;
using Newtonsoft.Json.Linq;

namespace Mirrorstage.X402.Reconciliation;

/// <summary>Settles an unknown Solana "exact" outcome from the cluster: getSignatureStatuses for the transaction's
/// id (the fee payer's signature, known once a facilitator or our journal names it); while it is unknown or not
/// seen, the transaction's blockhash bounds the wait: once isBlockhashValid says false, it can never land.
/// JSON-RPC goes through Nethereum's client (Solana's RPC is plain JSON-RPC 2.0 over HTTP).</summary>
public sealed class SvmSettlementProbe(HttpClient http) : ISettlementProbe
{
    private readonly SimpleRpcClient _rpc = new(http.BaseAddress ?? throw new ArgumentException("the Solana RPC client needs a BaseAddress", nameof(http)), http);

    public async Task<ChainVerdict> ProbeAsync(PaymentPayload payload, PaymentRequirements requirement, string? knownTransaction, CancellationToken ct)
    {
        if (payload.Payload["transaction"]?.GetValue<string>() is not { } text
            || !CanonicalBase64.TryDecode(text, PaymentIdentity.MaxSolanaTransactionBytes, out var raw)
            || SolanaTransaction.TryParse(raw) is not { } tx)
            return new ChainVerdict.NotMoved("not a Solana transaction");

        if (knownTransaction is not null)
        {
            var statuses = await CallAsync("getSignatureStatuses", new JsonArray(new JsonArray(knownTransaction), new JsonObject { ["searchTransactionHistory"] = true }), ct);
            if (statuses?["value"]?[0] is JsonObject status)
            {
                if (status["err"] is not null) return new ChainVerdict.NotMoved("the transaction failed on chain");
                var level = status["confirmationStatus"]?.GetValue<string>();
                if (level is "confirmed" or "finalized") return new ChainVerdict.Moved(knownTransaction, null);
                return new ChainVerdict.Pending($"the transaction is {level ?? "processed"}");
            }
        }
        var valid = await CallAsync("isBlockhashValid", new JsonArray(Base58.Encode(tx.RecentBlockhash), new JsonObject { ["commitment"] = "confirmed" }), ct);
        if (valid?["value"]?.GetValue<bool>() == true) return new ChainVerdict.Pending("the transaction's blockhash is still valid");
        if (knownTransaction is not null) return new ChainVerdict.NotMoved("the blockhash expired and the transaction never landed");
        return await FindByMessageAsync(tx, ct) is { } landed
            ? new ChainVerdict.Moved(landed, null)
            : new ChainVerdict.NotMoved("the blockhash expired and no transaction of the transfer authority carries this message");
    }

    /// <summary>With no transaction id known, the transfer authority's recent transactions are searched for one
    /// whose message is exactly the one it signed for us.</summary>
    private async Task<string?> FindByMessageAsync(SolanaTransaction tx, CancellationToken ct)
    {
        var authority = tx.AccountKeys[tx.Instructions[2].Accounts[3]];
        var signatures = await CallAsync("getSignaturesForAddress", new JsonArray(Base58.Encode(authority), new JsonObject { ["limit"] = 100 }), ct);
        foreach (var entry in signatures?.AsArray() ?? [])
        {
            if (entry?["err"] is not null || entry?["signature"]?.GetValue<string>() is not { } signature) continue;
            var found = await CallAsync("getTransaction", new JsonArray(signature, new JsonObject { ["encoding"] = "base64", ["maxSupportedTransactionVersion"] = 0 }), ct);
            if (found?["meta"]?["err"] is null && found?["transaction"]?[0]?.GetValue<string>() is { } b64
                && SolanaTransaction.TryParse(Convert.FromBase64String(b64)) is { } landed && landed.Message.AsSpan().SequenceEqual(tx.Message))
                return signature;
        }
        return null;
    }

    private async Task<JsonNode?> CallAsync(string method, JsonArray parameters, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var arguments = JArray.Parse(parameters.ToJsonString()).Cast<object>().ToArray();
        var result = await _rpc.SendRequestAsync<JToken?>(new RpcRequest(1, method, arguments)).WaitAsync(ct);
        return result is null || result.Type == JTokenType.Null ? null : JsonNode.Parse(result.ToString(Newtonsoft.Json.Formatting.None));
    }
}
