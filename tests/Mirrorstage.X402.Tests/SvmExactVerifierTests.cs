using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Org.BouncyCastle.Security;

namespace Mirrorstage.X402.Tests;

/// <summary>Solana exact payloads built and Ed25519-signed here, byte by byte, against the spec's MUST rules.</summary>
public class SvmExactVerifierTests
{
    private const string PayTo = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
    private const string DevnetUsdc = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

    private static (byte[] Secret, byte[] Public) NewKey()
    {
        var secret = new byte[32];
        Ed25519.GeneratePrivateKey(new SecureRandom(), secret);
        var pub = new byte[32];
        Ed25519.GeneratePublicKey(secret, 0, pub, 0);
        return (secret, pub);
    }

    private static readonly (byte[] Secret, byte[] Public) FeePayer = NewKey();
    private static readonly (byte[] Secret, byte[] Public) Payer = NewKey();
    private static readonly byte[] Source = NewKey().Public;

    private static PaymentRequirements Requirement(string? memo = null) => new("exact", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "1000000",
        DevnetUsdc, PayTo, 300, memo is null
            ? new JsonObject { ["feePayer"] = Base58.Encode(FeePayer.Public) }
            : new JsonObject { ["feePayer"] = Base58.Encode(FeePayer.Public), ["memo"] = memo });

    public sealed record Tx
    {
        public ulong Amount { get; init; } = 1_000_000;
        public ulong MicroLamports { get; init; } = 1_000;
        public byte[]? Destination { get; init; }
        public bool FeePayerAsSource { get; init; }
        public bool ExtraTransfer { get; init; }
        public string? Memo { get; init; }
        public byte[]? SignWith { get; init; }
        public bool Versioned { get; init; }
    }

    private static PaymentPayload Payload(Tx t, PaymentRequirements? requirement = null)
    {
        var r = requirement ?? Requirement();
        var mint = Base58.Decode(DevnetUsdc);
        var destination = t.Destination ?? SolanaPrograms.AssociatedTokenAccount(Base58.Decode(PayTo), mint, SolanaPrograms.Token);
        // signers first (fee payer, authority), then writable accounts, then read-only ones.
        var keys = new List<byte[]> { FeePayer.Public, Payer.Public, Source, destination, mint, SolanaPrograms.ComputeBudget, SolanaPrograms.Token, SolanaPrograms.Memo };
        byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }
        byte[] TransferChecked(ulong amount) => [12, .. U64(amount), 6];
        var source = t.FeePayerAsSource ? 0 : 2;
        var instructions = new List<(int Program, int[] Accounts, byte[] Data)>
        {
            (5, [], [2, 0x40, 0x0D, 0x03, 0x00]),
            (5, [], [3, .. U64(t.MicroLamports)]),
            (6, [source, 4, 3, 1], TransferChecked(t.Amount)),
        };
        if (t.ExtraTransfer) instructions.Add((6, [2, 4, 2, 1], TransferChecked(1)));
        if (t.Memo is not null) instructions.Add((7, [], System.Text.Encoding.UTF8.GetBytes(t.Memo)));

        var message = new List<byte>();
        if (t.Versioned) message.Add(0x80);
        message.AddRange([2, 1, 4]);
        message.Add((byte)keys.Count);
        foreach (var k in keys) message.AddRange(k);
        message.AddRange(new byte[32]); // recent blockhash
        message.Add((byte)instructions.Count);
        foreach (var (program, accounts, data) in instructions)
        {
            message.Add((byte)program);
            message.Add((byte)accounts.Length);
            message.AddRange(accounts.Select(a => (byte)a));
            message.Add((byte)data.Length);
            message.AddRange(data);
        }
        if (t.Versioned) message.Add(0); // no address table lookups

        var bytes = message.ToArray();
        var signature = new byte[64];
        Ed25519.Sign(t.SignWith ?? Payer.Secret, 0, bytes, 0, bytes.Length, signature, 0);
        byte[] transaction = [2, .. new byte[64], .. signature, .. bytes]; // the fee payer signs at settlement
        return new PaymentPayload(2, r, new JsonObject { ["transaction"] = Convert.ToBase64String(transaction) });
    }

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
    [InlineData(false)]
    [InlineData(true)]
    public void A_well_formed_signed_transfer_passes(bool versioned)
    {
        var verdict = SvmExactVerifier.Check(Payload(new Tx { Versioned = versioned }), Requirement());
        Assert.Null(verdict);
    }

    [Fact]
    public void The_required_memo_must_be_there()
    {
        Assert.Equal("invalid_exact_svm_payload_transaction_memo_mismatch", SvmExactVerifier.Check(Payload(new Tx()), Requirement("order-7"))?.InvalidReason);
        Assert.Null(SvmExactVerifier.Check(Payload(new Tx { Memo = "order-7" }, Requirement("order-7")), Requirement("order-7")));
    }

    public static TheoryData<string, Func<Tx>, string> Attacks => new()
    {
        { "an extra transfer instruction", () => new Tx { ExtraTransfer = true }, "invalid_exact_svm_payload_transaction_instructions" },
        { "the fee payer as source", () => new Tx { FeePayerAsSource = true }, "invalid_exact_svm_payload_transaction_fee_payer_included_in_instruction_accounts" },
        { "one atomic unit short", () => new Tx { Amount = 999_999 }, "invalid_exact_svm_payload_transaction_amount_mismatch" },
        { "another destination", () => new Tx { Destination = NewKey().Public }, "invalid_exact_svm_payload_transaction_recipient_mismatch" },
        { "a compute price above 5 lamports/CU", () => new Tx { MicroLamports = 5_000_001 }, "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high" },
        { "a signature by another key", () => new Tx { SignWith = NewKey().Secret }, "invalid_exact_svm_payload_transaction_signature" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Attacks_are_refused_by_name(string name, Func<Tx> tx, string reason) =>
        Assert.True(SvmExactVerifier.Check(Payload(tx()), Requirement())?.InvalidReason == reason, name);

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("AQID")]
    public void Garbage_transactions_are_refused(string transaction)
    {
        var payload = new PaymentPayload(2, Requirement(), new JsonObject { ["transaction"] = transaction });
        Assert.Equal("invalid_exact_svm_payload_transaction", SvmExactVerifier.Check(payload, Requirement())?.InvalidReason);
    }

    [Fact]
    public void Another_fee_payer_than_advertised_is_refused()
    {
        var other = Requirement() with { Extra = new JsonObject { ["feePayer"] = Base58.Encode(NewKey().Public) } };
        Assert.Equal("invalid_exact_svm_payload_transaction_fee_payer_mismatch", SvmExactVerifier.Check(Payload(new Tx(), other), other)?.InvalidReason);
    }
}
