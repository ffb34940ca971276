using System.Text;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Tests.Support;

namespace Mirrorstage.X402.Tests;

/// <summary>A payment is what the chain sees, never its spelling.</summary>
public class PaymentIdentityTests
{
    [Fact]
    public void EVM_identity_is_network_asset_payer_and_nonce_whatever_their_hex_case()
    {
        var payload = EvmPayments.Signed();
        Assert.True(PaymentIdentity.TryRead(payload, out var lower, out _));
        var auth = payload.Payload["authorization"]!;
        var shouted = payload with
        {
            Payload = new JsonObject
            {
                ["signature"] = payload.Payload["signature"]!.GetValue<string>(),
                ["authorization"] = new JsonObject
                {
                    ["from"] = "0x" + auth["from"]!.GetValue<string>()[2..].ToUpperInvariant(), ["to"] = auth["to"]!.GetValue<string>(),
                    ["value"] = auth["value"]!.GetValue<string>(), ["validAfter"] = auth["validAfter"]!.GetValue<string>(),
                    ["validBefore"] = auth["validBefore"]!.GetValue<string>(), ["nonce"] = "0x" + auth["nonce"]!.GetValue<string>()[2..].ToUpperInvariant(),
                },
            },
        };
        Assert.True(PaymentIdentity.TryRead(shouted, out var upper, out _));
        Assert.Equal(lower.Key, upper.Key);
        Assert.Equal($"eip155:31337|{EvmPayments.Requirement.Asset.ToLowerInvariant()}|{EvmPayments.Payer}|{auth["nonce"]!.GetValue<string>()}", lower.Key);
        Assert.Equal(EvmPayments.Payer, lower.Payer);
    }

    [Fact]
    public void Solana_identity_is_the_signed_message_not_the_fee_payer_slot()
    {
        var a = SolanaPayments.Payload(new SolanaPayments.Tx());
        var b = SolanaPayments.Payload(new SolanaPayments.Tx { FeePayerSlotFill = 0x5A });
        Assert.NotEqual(a.Payload["transaction"]!.GetValue<string>(), b.Payload["transaction"]!.GetValue<string>());
        Assert.True(PaymentIdentity.TryRead(a, out var first, out _));
        Assert.True(PaymentIdentity.TryRead(b, out var second, out _));
        Assert.Equal(first.Key, second.Key);
        Assert.True(PaymentIdentity.TryRead(SolanaPayments.Payload(new SolanaPayments.Tx { Amount = 999_999 }), out var other, out _));
        Assert.NotEqual(first.Key, other.Key);
    }

    [Fact]
    public void Every_non_canonical_spelling_of_a_Solana_transaction_is_refused()
    {
        var raw = SolanaPayments.Transaction(new SolanaPayments.Tx { Memo = "a" });
        if (raw.Length % 3 != 1) raw = SolanaPayments.Transaction(new SolanaPayments.Tx { Memo = raw.Length % 3 == 0 ? "ab" : "abc" });
        var spellings = SolanaPayments.Spellings(raw);
        Assert.Equal(16, spellings.Count);
        Assert.All(spellings, s => Assert.Equal(raw, Convert.FromBase64String(s))); // a lenient decoder reads all 16 alike
        Assert.True(PaymentIdentity.TryRead(SolanaPayments.PayloadOf(spellings[0]), out _, out _));
        Assert.All(spellings.Skip(1), s => Assert.False(PaymentIdentity.TryRead(SolanaPayments.PayloadOf(s), out _, out _)));
    }

    [Theory]
    [InlineData(new byte[] { 1 }, "AR==")]        // spare bits set
    [InlineData(new byte[] { 1, 2 }, "AQJ=")]
    [InlineData(new byte[] { 1, 2 }, "AQI")]      // padding missing
    [InlineData(new byte[] { 1, 2, 3 }, "AQ ID")] // whitespace
    [InlineData(new byte[] { 1, 2, 3 }, "AQID\n")]
    public void Canonical_base64_refuses_other_spellings_of_the_same_bytes(byte[] bytes, string spelling)
    {
        Assert.True(CanonicalBase64.TryDecode(Convert.ToBase64String(bytes), 16, out var back));
        Assert.Equal(bytes, back);
        Assert.False(CanonicalBase64.TryDecode(spelling, 16, out _));
    }

    [Fact]
    public void A_non_canonical_PAYMENT_SIGNATURE_header_is_refused()
    {
        var json = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(EvmPayments.Signed(), X402Json.Options) + " ");
        if (json.Length % 3 == 0) json = [.. json, (byte)' '];
        var spellings = SolanaPayments.Spellings(json);
        Assert.True(X402Headers.TryDecodePayload(spellings[0], out _, out _));
        Assert.All(spellings.Skip(1), s => Assert.False(X402Headers.TryDecodePayload(s, out _, out _)));
    }

    [Theory]
    [InlineData("""{"x402Version":2,"accepted":{},"payload":{}}""")]
    [InlineData("""{"x402Version":2,"accepted":{"scheme":"exact","network":"n","amount":"1","asset":"a","payTo":"p","maxTimeoutSeconds":1},"payload":[]}""")]
    [InlineData("""{"x402Version":2,"accepted":{"scheme":"exact","network":"n","amount":"1","asset":"a","payTo":"p","maxTimeoutSeconds":1},"payload":{"a":1,"a":2}}""")]
    [InlineData("""{"x402Version":2,"accepted":{"scheme":"exact","network":"n","amount":"1","asset":"a","payTo":"p","maxTimeoutSeconds":1e999},"payload":{}}""")]
    public void Crafted_headers_are_refused_with_a_reason(string json)
    {
        Assert.False(X402Headers.TryDecodePayload(Convert.ToBase64String(Encoding.UTF8.GetBytes(json)), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void An_unsupported_network_family_has_no_identity() =>
        Assert.False(PaymentIdentity.TryRead(new PaymentPayload(2, EvmPayments.Requirement with { Network = "cosmos:hub" }, new JsonObject()), out _, out _));
}
