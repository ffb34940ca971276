using System.Numerics;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Tests;

/// <summary>Our signature rules on top of Nethereum (v, non-zero r, low s), then the exact scheme's off-chain
/// rules; the end-to-end proof (signatures made by viem and the official x402 client, settled on anvil) is the
/// conformance suite.</summary>
public class EvmCryptoTests
{
    // The first well-known development key of anvil/hardhat and its published address.
    private static readonly byte[] DevKey = Hex.Decode("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private const string DevAddress = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

    [Fact]
    public void A_signature_recovers_its_signer_and_a_tampered_one_does_not()
    {
        var hash = Keccak.Hash("mirrorstage");
        var sig = Secp256k1.Sign(hash, DevKey);
        Assert.Equal(DevAddress, Hex.Encode(Secp256k1.RecoverAddress(hash, sig)!));
        Assert.Equal(DevAddress, Hex.Encode(Secp256k1.RecoverAddress(hash, sig with { V = (byte)(sig.V + 27) })!));
        var other = Secp256k1.RecoverAddress(Keccak.Hash("mirrorstagE"), sig);
        Assert.NotEqual(DevAddress, other is null ? null : Hex.Encode(other));
    }

    [Fact]
    public void High_s_signatures_are_refused()
    {
        var hash = Keccak.Hash("malleable");
        var sig = Secp256k1.Sign(hash, DevKey);
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var highS = n - new BigInteger(sig.S, isUnsigned: true, isBigEndian: true);
        Assert.Null(Secp256k1.RecoverAddress(hash, sig with { S = Hex.Word(highS), V = (byte)(sig.V ^ 1) }));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(26)]
    [InlineData(29)]
    [InlineData(37)]
    public void A_recovery_byte_other_than_0_1_27_28_is_refused(byte v)
    {
        var hash = Keccak.Hash("recovery byte");
        var sig = Secp256k1.Sign(hash, DevKey);
        Assert.Equal(DevAddress, Hex.Encode(Secp256k1.RecoverAddress(hash, sig)!));
        Assert.Null(Secp256k1.RecoverAddress(hash, sig with { V = v }));
    }

    [Fact]
    public void A_zero_r_or_an_r_off_the_curve_order_recovers_no_one()
    {
        var hash = Keccak.Hash("r");
        var sig = Secp256k1.Sign(hash, DevKey);
        Assert.Null(Secp256k1.RecoverAddress(hash, sig with { R = new byte[32] }));
        Assert.Null(Secp256k1.RecoverAddress(hash, sig with { R = Enumerable.Repeat((byte)0xff, 32).ToArray() }));
        // Below the order but (for one of these) no curve point has x = r: still no one, never a crash.
        for (byte last = 1; last < 9; last++)
            _ = Secp256k1.RecoverAddress(hash, sig with { R = [.. new byte[31], last] });
    }

    [Fact]
    public void Words_are_ABI_words_and_quantities_read_back()
    {
        Assert.Equal("0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266", Hex.Encode(Hex.Word(Hex.Decode(DevAddress))));
        Assert.Equal(new BigInteger(1_000_000), Hex.ParseQuantity(Hex.Encode(Hex.Word(1_000_000))));
        Assert.Equal(new BigInteger(255), Hex.ParseQuantity("0xff"));
    }

    private static readonly PaymentRequirements Requirement = new("exact", "eip155:31337", "1000000",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", 300,
        new JsonObject { ["name"] = "Mirror USD", ["version"] = "2" });

    private static PaymentPayload Signed(Func<JsonObject, JsonObject>? tamper = null, byte[]? key = null, string value = "1000000", long validBefore = 4_000_000_000)
    {
        var authorization = new JsonObject
        {
            ["from"] = DevAddress, ["to"] = Requirement.PayTo, ["value"] = value, ["validAfter"] = "0",
            ["validBefore"] = validBefore.ToString(), ["nonce"] = Hex.Encode(Keccak.Hash("nonce-1")),
        };
        var parsed = TransferAuthorization.Parse(new JsonObject { ["authorization"] = authorization.DeepClone(), ["signature"] = "0x" + new string('0', 130) })!;
        var digest = parsed.Digest(TransferAuthorization.DomainSeparator("Mirror USD", "2", 31337, Hex.Decode(Requirement.Asset)));
        var sig = Secp256k1.Sign(digest, key ?? DevKey);
        var payload = new JsonObject { ["authorization"] = authorization, ["signature"] = Hex.Encode([.. sig.R, .. sig.S, (byte)(sig.V + 27)]) };
        return new PaymentPayload(2, Requirement, tamper?.Invoke(payload) ?? payload);
    }

    [Fact]
    public void A_correctly_signed_authorization_passes_the_offchain_rules() =>
        Assert.Null(EvmExactVerifier.Check(Signed(), Requirement, DateTimeOffset.UtcNow, out _));
    // Each rule's own test, signed over the tampered value: EvmExactVerifierTests.
}
