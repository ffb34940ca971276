using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Reconciliation;
using Mirrorstage.X402.Svm;
using Mirrorstage.X402.Tests.Support;

namespace Mirrorstage.X402.Tests;

/// <summary>The Solana side of the reconciler against a scripted JSON-RPC node: what each answer of
/// getSignatureStatuses, isBlockhashValid and the authority's history makes of an unknown outcome.</summary>
public class SvmSettlementProbeTests
{
    private sealed class Node(Func<string, JsonArray, JsonNode?> answer) : HttpMessageHandler
    {
        public List<string> Methods { get; } = [];
        public List<JsonArray> Params { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var call = JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct))!;
            var method = call["method"]!.GetValue<string>();
            Methods.Add(method);
            Params.Add(call["params"]!.AsArray());
            var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = answer(method, call["params"]!.AsArray())?.DeepClone() };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        }
    }

    private static readonly byte[] Raw = SolanaPayments.Transaction(new SolanaPayments.Tx());
    private static readonly Models.PaymentPayload Payload = SolanaPayments.PayloadOf(Convert.ToBase64String(Raw));

    private static async Task<(ChainVerdict, Node)> ProbeAsync(Func<string, JsonArray, JsonNode?> answer, string? known)
    {
        var node = new Node(answer);
        var probe = new SvmSettlementProbe(new HttpClient(node) { BaseAddress = new Uri("http://solana.test/") });
        return (await probe.ProbeAsync(Payload, SolanaPayments.Requirement(), known, default), node);
    }

    private static JsonNode Status(string? level, bool failed = false) => new JsonObject
    {
        ["context"] = new JsonObject { ["slot"] = 1 },
        ["value"] = new JsonArray(new JsonObject { ["confirmationStatus"] = level, ["err"] = failed ? new JsonObject { ["InstructionError"] = 1 } : null }),
    };

    private static JsonNode Value(JsonNode? v) => new JsonObject { ["context"] = new JsonObject { ["slot"] = 1 }, ["value"] = v };

    [Theory]
    [InlineData("confirmed", false, typeof(ChainVerdict.Moved))]
    [InlineData("finalized", false, typeof(ChainVerdict.Moved))]
    [InlineData("processed", false, typeof(ChainVerdict.Pending))]
    [InlineData("confirmed", true, typeof(ChainVerdict.NotMoved))]
    public async Task A_known_signature_is_decided_by_its_status(string level, bool failed, Type verdict)
    {
        var (v, node) = await ProbeAsync((m, _) => m == "getSignatureStatuses" ? Status(level, failed) : Value(true), "5igSig");
        Assert.IsType(verdict, v);
        Assert.Equal("getSignatureStatuses", node.Methods[0]);
    }

    [Fact]
    public async Task An_unseen_transaction_waits_while_its_blockhash_is_valid_and_is_released_after()
    {
        var (pending, _) = await ProbeAsync((m, _) => m == "getSignatureStatuses" ? Value(new JsonArray((JsonNode?)null)) : Value(true), "5igSig");
        Assert.IsType<ChainVerdict.Pending>(pending);
        var (expired, _) = await ProbeAsync((m, _) => m == "getSignatureStatuses" ? Value(new JsonArray((JsonNode?)null)) : Value(false), "5igSig");
        Assert.IsType<ChainVerdict.NotMoved>(expired);
    }

    [Fact]
    public async Task Without_a_signature_the_authoritys_history_is_searched_for_the_signed_message()
    {
        var landed = (byte[])Raw.Clone();
        landed[1] = 0x42; // the fee payer's signature, filled in at settlement
        JsonNode? Answer(string method, JsonArray p) => method switch
        {
            "isBlockhashValid" => Value(false),
            "getSignaturesForAddress" => new JsonArray(new JsonObject { ["signature"] = "other", ["err"] = null }, new JsonObject { ["signature"] = "ours", ["err"] = null }),
            "getTransaction" when p[0]!.GetValue<string>() == "ours" => new JsonObject { ["meta"] = new JsonObject { ["err"] = null }, ["transaction"] = new JsonArray(Convert.ToBase64String(landed), "base64") },
            "getTransaction" => new JsonObject { ["meta"] = new JsonObject { ["err"] = null }, ["transaction"] = new JsonArray(Convert.ToBase64String(SolanaPayments.Transaction(new SolanaPayments.Tx { Amount = 5 })), "base64") },
            _ => null,
        };
        var (v, node) = await ProbeAsync(Answer, null);
        Assert.Equal("ours", Assert.IsType<ChainVerdict.Moved>(v).Transaction);
        var history = node.Methods.IndexOf("getSignaturesForAddress");
        Assert.Equal(Base58.Encode(SolanaPayments.Authority.Public), node.Params[history][0]!.GetValue<string>());

        var (none, _) = await ProbeAsync((m, p) => m == "getTransaction" && p[0]!.GetValue<string>() == "ours" ? null : Answer(m, p), null);
        Assert.IsType<ChainVerdict.NotMoved>(none);
    }
}
