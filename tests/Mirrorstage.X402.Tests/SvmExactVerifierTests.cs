using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;
using Mirrorstage.X402.Tests.Support;
using static Mirrorstage.X402.Tests.Support.SolanaPayments;

namespace Mirrorstage.X402.Tests;

/// <summary>Every MUST rule of the Solana "exact" scheme, each broken alone in a transaction the transfer
/// authority really signed: removing any one rule from the verifier fails the test named after it.</summary>
public class SvmExactVerifierTests
{
    [Theory]
    [InlineData("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "F4YA4H7HeXLCvjLRKdh56FgE4cyHpPqLP1VCM6fEqEmX")]
    [InlineData(DevnetUsdc, "5K3tmjKHJcLujL7SLZcEjutEZnrzMruUXTzQV6z5cQT6")]
    public void Associated_token_accounts_match_Solanas_own_derivation(string mint, string expected) =>
        Assert.Equal(expected, Base58.Encode(SolanaPrograms.AssociatedTokenAccount(Base58.Decode(PayTo), Base58.Decode(mint), SolanaPrograms.Token)));

    [Fact]
    public void Base58_round_trips_leading_zeros()
    {
        byte[] key = [0, 0, .. Enumerable.Range(1, 30).Select(i => (byte)i)];
        Assert.True(Base58.TryDecode(Base58.Encode(key), 32, out var back));
        Assert.Equal(key, back);
        Assert.False(Base58.TryDecode("0OIl", 32, out _));
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "order-7")]
    public void A_well_formed_signed_transfer_passes(bool versioned, string? memo) =>
        Assert.Null(SvmExactVerifier.Check(Payload(new Tx { Versioned = versioned, Memo = memo }, Requirement(memo)), Requirement(memo)));

    [Fact]
    public void Lighthouse_instructions_may_follow_the_transfer() =>
        Assert.Null(SvmExactVerifier.Check(Payload(new Tx { Instructions = l => [.. l, new Ix(SolanaPrograms.Lighthouse, [], [1])] }), Requirement()));

    private static readonly byte[] OtherProgram = NewKey().Public;

    public static TheoryData<string, Tx, string> Broken => new()
    {
        { "a lookup table", new Tx { LookupTable = true }, "invalid_exact_svm_payload_transaction_instructions" },
        { "two instructions", new Tx { Instructions = l => l[1..] }, "invalid_exact_svm_payload_transaction_instructions_length" },
        { "seven instructions", new Tx { Instructions = l => [.. l, .. Enumerable.Repeat(new Ix(SolanaPrograms.Memo, [], [1]), 4)] }, "invalid_exact_svm_payload_transaction_instructions_length" },
        { "no compute limit first", new Tx { Instructions = l => [l[1], l[1], l[2]] }, "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction" },
        { "no compute price second", new Tx { Instructions = l => [l[0], l[0], l[2]] }, "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction" },
        { "a compute price above 5 lamports/CU", new Tx { MicroLamports = 5_000_001 }, "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high" },
        { "a transfer by another program", new Tx { TokenProgram = OtherProgram }, "invalid_exact_svm_payload_transaction_instructions_transfer" },
        { "a plain Transfer instead of TransferChecked", new Tx { TransferData = [3, .. U64(1_000_000)] }, "invalid_exact_svm_payload_transaction_instructions_transfer" },
        { "another instruction after the transfer", new Tx { Instructions = l => [.. l, new Ix(OtherProgram, [], [1])] }, "invalid_exact_svm_payload_transaction_instructions" },
        { "an extra transfer after the transfer", new Tx { Instructions = l => [.. l, l[2]] }, "invalid_exact_svm_payload_transaction_instructions" },
        { "another fee payer than advertised", new Tx { FeePayerKey = NewKey().Public }, "invalid_exact_svm_payload_transaction_fee_payer_mismatch" },
        { "the fee payer as source", new Tx { SourceAccount = FeePayer.Public }, "invalid_exact_svm_payload_transaction_fee_payer_included_in_instruction_accounts" },
        { "another mint", new Tx { Mint = NewKey().Public }, "invalid_exact_svm_payload_transaction_mint_mismatch" },
        { "another destination", new Tx { Destination = NewKey().Public }, "invalid_exact_svm_payload_transaction_recipient_mismatch" },
        { "one atomic unit short", new Tx { Amount = 999_999 }, "invalid_exact_svm_payload_transaction_amount_mismatch" },
        { "the authority as its own source", new Tx { SourceAccount = Authority.Public }, "invalid_exact_svm_payload_transaction_instructions_transfer" },
        { "an authority that does not sign", new Tx { AuthorityIsSigner = false }, "invalid_exact_svm_payload_transaction_signature" },
        { "a signature by another key", new Tx { SignWith = NewKey().Secret }, "invalid_exact_svm_payload_transaction_signature" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_rule_refuses_a_signed_transfer_that_breaks_it_alone(string name, Tx tx, string reason) =>
        Assert.True(SvmExactVerifier.Check(Payload(tx), Requirement())?.InvalidReason == reason,
            $"{name}: {SvmExactVerifier.Check(Payload(tx), Requirement())?.InvalidReason ?? "accepted"}");

    [Fact]
    public void The_required_memo_must_be_there() =>
        Assert.Equal("invalid_exact_svm_payload_transaction_memo_mismatch",
            SvmExactVerifier.Check(Payload(new Tx { Memo = "order-8" }, Requirement("order-7")), Requirement("order-7"))?.InvalidReason);

    [Fact]
    public void Another_scheme_or_network_is_refused()
    {
        var payload = Payload(new Tx());
        Assert.Equal("unsupported_scheme", SvmExactVerifier.Check(payload with { Accepted = payload.Accepted with { Scheme = "upto" } }, Requirement())?.InvalidReason);
        Assert.Equal("invalid_network", SvmExactVerifier.Check(payload, Requirement(network: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"))?.InvalidReason);
    }

    [Fact]
    public void A_non_canonical_spelling_of_a_valid_transaction_is_refused()
    {
        var raw = Transaction(new Tx { Memo = "x" });
        var spellings = Spellings(raw.Length % 3 == 0 ? Transaction(new Tx { Memo = "xy" }) : raw);
        Assert.True(spellings.Count > 1);
        Assert.Null(SvmExactVerifier.Check(PayloadOf(spellings[0]), Requirement()));
        Assert.All(spellings.Skip(1), s => Assert.Equal("invalid_exact_svm_payload_transaction", SvmExactVerifier.Check(PayloadOf(s), Requirement())?.InvalidReason));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("AQID")]
    public void Garbage_transactions_are_refused(string transaction) =>
        Assert.Equal("invalid_exact_svm_payload_transaction", SvmExactVerifier.Check(PayloadOf(transaction), Requirement())?.InvalidReason);

    [Fact]
    public void A_transaction_field_that_is_not_a_string_is_refused() =>
        Assert.Equal("invalid_exact_svm_payload_transaction",
            SvmExactVerifier.Check(new PaymentPayload(2, Requirement(), new JsonObject { ["transaction"] = new JsonArray() }), Requirement())?.InvalidReason);
}
