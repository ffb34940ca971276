using System.Text.Json.Nodes;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Tests.Support;
using static Mirrorstage.X402.Tests.Support.EvmPayments;

namespace Mirrorstage.X402.Tests;

/// <summary>Every rule of the EVM "exact" verifier, each broken alone by an authorization that is validly signed
/// over the broken value: removing any one rule fails the test named after it.</summary>
public class EvmExactVerifierTests
{
    private static string? Reason(Mirrorstage.X402.Models.PaymentPayload p, Mirrorstage.X402.Models.PaymentRequirements? r = null) =>
        EvmExactVerifier.Check(p, r ?? Requirement, DateTimeOffset.UtcNow, out _)?.InvalidReason;

    [Fact]
    public void A_correctly_signed_authorization_passes() => Assert.Null(Reason(Signed()));

    [Fact]
    public void A_recipient_other_than_payTo_is_refused() =>
        Assert.Equal("invalid_exact_evm_payload_recipient_mismatch", Reason(Signed(new Auth { To = "0x0000000000000000000000000000000000000001" })));

    [Fact]
    public void One_atomic_unit_short_is_refused() =>
        Assert.Equal("invalid_exact_evm_payload_authorization_value_mismatch", Reason(Signed(new Auth { Value = 999_999 })));

    [Fact]
    public void One_atomic_unit_more_is_refused() =>
        Assert.Equal("invalid_exact_evm_payload_authorization_value_mismatch", Reason(Signed(new Auth { Value = 1_000_001 })));

    [Fact]
    public void An_authorization_expiring_within_six_seconds_is_refused() =>
        Assert.Equal("invalid_exact_evm_payload_authorization_valid_before",
            Reason(Signed(new Auth { ValidBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3 })));

    [Fact]
    public void An_authorization_not_valid_yet_is_refused() =>
        Assert.Equal("invalid_exact_evm_payload_authorization_valid_after",
            Reason(Signed(new Auth { ValidAfter = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600 })));

    [Theory]
    [InlineData("another key")]
    [InlineData("another chain")]
    [InlineData("another domain name")]
    public void A_signature_that_does_not_recover_to_from_is_refused(string how) =>
        Assert.Equal("invalid_exact_evm_payload_signature", Reason(Signed(how switch
        {
            "another key" => new Auth { SignerKey = OtherKey },
            "another chain" => new Auth { ChainId = 8453 },
            _ => new Auth { DomainName = "USD Coin" },
        })));

    [Fact]
    public void Another_scheme_is_refused() =>
        Assert.Equal("unsupported_scheme", Reason(Signed(accepted: Requirement with { Scheme = "upto" })));

    [Fact]
    public void Another_network_is_refused() =>
        Assert.Equal("invalid_network", Reason(Signed(accepted: Requirement with { Network = "eip155:8453" })));

    [Fact]
    public void A_requirement_without_its_EIP712_domain_is_refused() =>
        Assert.Equal("invalid_exact_evm_payload_missing_eip712_domain", Reason(Signed(), Requirement with { Extra = null }));

    [Fact]
    public void A_requirement_whose_payTo_is_not_an_address_is_refused() =>
        Assert.Equal("invalid_payment_requirements", Reason(Signed(), Requirement with { PayTo = "payee" }));

    public static TheoryData<string, Func<JsonObject, JsonNode?>> Crafted => new()
    {
        { "authorization is an array", p => { p["authorization"] = new JsonArray(); return p; } },
        { "authorization is a string", p => { p["authorization"] = "x"; return p; } },
        { "validBefore above 2^256-1", p => { p["authorization"]!["validBefore"] = new string('9', 78); return p; } },
        { "validBefore with a leading zero", p => { p["authorization"]!["validBefore"] = "0" + p["authorization"]!["validBefore"]!.GetValue<string>(); return p; } },
        { "value negative", p => { p["authorization"]!["value"] = "-1000000"; return p; } },
        { "value a number, not a string", p => { p["authorization"]!["value"] = 1000000; return p; } },
        { "nonce 31 bytes", p => { p["authorization"]!["nonce"] = "0x" + new string('a', 62); return p; } },
        { "signature 64 bytes", p => { p["signature"] = "0x" + new string('1', 128); return p; } },
        { "from missing", p => { p["authorization"]!.AsObject().Remove("from"); return p; } },
    };

    [Theory]
    [MemberData(nameof(Crafted))]
    public void Crafted_payloads_are_refused_as_malformed_not_thrown_on(string name, Func<JsonObject, JsonNode?> craft)
    {
        var payload = Signed() with { Payload = (JsonObject)craft(PayloadJson(new Auth()))! };
        Assert.True(Reason(payload) == "invalid_payload", name);
        Assert.False(PaymentIdentity.TryRead(payload, out _, out var error), name);
        Assert.NotEmpty(error);
    }
}
