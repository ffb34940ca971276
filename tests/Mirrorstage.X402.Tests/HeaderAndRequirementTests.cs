using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Tests;

public class HeaderTests
{
    private static readonly NetworkOptions Base = new()
    {
        Network = "eip155:8453", Asset = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        PayTo = "0x000000000000000000000000000000000000dEaD", AssetName = "USD Coin", AssetVersion = "2",
    };

    private static readonly NetworkOptions Solana = new()
    {
        Network = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", Asset = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        PayTo = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", FeePayer = "FeePayer11111111111111111111111111111111111",
    };

    [Fact]
    public void Payment_required_is_standard_base64_of_the_v2_json_shape()
    {
        var accepts = Requirements.For([Base, Solana], 1_000_000);
        var header = X402Headers.Encode(new PaymentRequired(2, "PAYMENT-SIGNATURE header is required", new ResourceInfo("https://h/v1/sessions"), accepts, new JsonObject()));

        var json = JsonNode.Parse(Convert.FromBase64String(header))!;
        Assert.Equal(2, json["x402Version"]!.GetValue<int>());
        Assert.Equal("https://h/v1/sessions", json["resource"]!["url"]!.GetValue<string>());
        var evm = json["accepts"]![0]!;
        Assert.Equal("exact", evm["scheme"]!.GetValue<string>());
        Assert.Equal("1000000", evm["amount"]!.GetValue<string>());                 // atomic units, a string
        Assert.Equal(JsonValueKind.Number, evm["maxTimeoutSeconds"]!.GetValueKind()); // a number
        Assert.Equal("USD Coin", evm["extra"]!["name"]!.GetValue<string>());
        Assert.Equal("2", evm["extra"]!["version"]!.GetValue<string>());
        Assert.Equal("FeePayer11111111111111111111111111111111111", json["accepts"]![1]!["extra"]!["feePayer"]!.GetValue<string>());
    }

    [Fact]
    public void Requirements_are_the_same_on_every_request() =>
        Assert.Equal(X402Headers.Encode(Requirements.For([Base], 5)), X402Headers.Encode(Requirements.For([Base], 5)));

    [Fact]
    public void A_payload_round_trips()
    {
        var accepted = Requirements.For([Base], 1_000_000)[0];
        var payload = new PaymentPayload(2, accepted, new JsonObject { ["signature"] = "0xab" });
        Assert.True(X402Headers.TryDecodePayload(X402Headers.Encode(payload), out var decoded, out _));
        Assert.Equal(accepted.Network, decoded.Accepted.Network);
        Assert.NotNull(Requirements.Match(Requirements.For([Base], 1_000_000), decoded.Accepted));
    }

    [Theory]
    [InlineData("")]
    [InlineData("!!!not base64!!!")]
    [InlineData("bm90IGpzb24=")]                 // "not json"
    [InlineData("e30=")]                         // {}
    [InlineData("WzEsMiwzXQ==")]                 // [1,2,3]
    public void Malformed_signatures_are_refused_with_a_reason(string header)
    {
        Assert.False(X402Headers.TryDecodePayload(header, out var payload, out var error));
        Assert.Null(payload);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Version_one_payloads_are_refused()
    {
        var json = """{"x402Version":1,"accepted":{"scheme":"exact","network":"n","amount":"1","asset":"a","payTo":"p","maxTimeoutSeconds":1},"payload":{}}""";
        Assert.False(X402Headers.TryDecodePayload(Convert.ToBase64String(Encoding.UTF8.GetBytes(json)), out _, out var error));
        Assert.Contains("x402Version", error);
    }

    [Fact]
    public void An_oversized_header_is_refused_before_decoding() =>
        Assert.False(X402Headers.TryDecodePayload(new string('A', X402Headers.MaxSignatureHeaderLength + 4), out _, out _));
}

public class MatchingTests
{
    private static readonly NetworkOptions Base = new()
    {
        Network = "eip155:8453", Asset = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        PayTo = "0x000000000000000000000000000000000000dEaD", AssetName = "USD Coin", AssetVersion = "2",
    };

    private static PaymentRequirements Ours => Requirements.For([Base], 1_000_000)[0];

    [Fact]
    public void EVM_addresses_match_in_any_case() =>
        Assert.NotNull(Requirements.Match([Ours], Ours with { PayTo = Ours.PayTo.ToLowerInvariant(), Asset = Ours.Asset.ToUpperInvariant().Replace("0X", "0x") }));

    public static TheoryData<string> Tampered => new() { "amount", "network", "payTo", "asset", "scheme", "timeout", "extra" };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void Any_changed_field_matches_nothing(string field)
    {
        var o = Ours;
        var tampered = field switch
        {
            "amount" => o with { Amount = "999999" },
            "network" => o with { Network = "eip155:84532" },
            "payTo" => o with { PayTo = "0x000000000000000000000000000000000000bEEF" },
            "asset" => o with { Asset = "0x036CbD53842c5426634e7929541eC2318f3dCF7e" },
            "scheme" => o with { Scheme = "upto" },
            "timeout" => o with { MaxTimeoutSeconds = 3600 },
            _ => o with { Extra = new JsonObject { ["name"] = "USDC", ["version"] = "2" } },
        };
        Assert.Null(Requirements.Match([o], tampered));
    }
}
