using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;
using Org.BouncyCastle.Math.EC.Rfc8032;
using Org.BouncyCastle.Security;

namespace Mirrorstage.X402.Tests.Support;

/// <summary>Solana "exact" payments built byte by byte and Ed25519-signed by the transfer authority over whatever
/// the test asks for, so a test can break one rule while every other rule (and the signature) holds.</summary>
public static class SolanaPayments
{
    public const string Network = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
    public const string PayTo = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
    public const string DevnetUsdc = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

    public static (byte[] Secret, byte[] Public) NewKey()
    {
        var secret = new byte[32];
        Ed25519.GeneratePrivateKey(new SecureRandom(), secret);
        var pub = new byte[32];
        Ed25519.GeneratePublicKey(secret, 0, pub, 0);
        return (secret, pub);
    }

    public static readonly (byte[] Secret, byte[] Public) FeePayer = NewKey();
    public static readonly (byte[] Secret, byte[] Public) Authority = NewKey();
    public static readonly byte[] Source = NewKey().Public;
    public static readonly byte[] SystemProgram = new byte[32];

    public static PaymentRequirements Requirement(string? memo = null, string network = Network, string? feePayer = null)
    {
        var extra = new JsonObject { ["feePayer"] = feePayer ?? Base58.Encode(FeePayer.Public) };
        if (memo is not null) extra["memo"] = memo;
        return new PaymentRequirements("exact", network, "1000000", DevnetUsdc, PayTo, 300, extra);
    }

    public sealed record Ix(byte[] Program, byte[][] Accounts, byte[] Data);

    /// <summary>One way to build the transfer; each field breaks exactly one thing when changed.</summary>
    public sealed record Tx
    {
        public ulong Amount { get; init; } = 1_000_000;
        public ulong MicroLamports { get; init; } = 1_000;
        public byte[]? Mint { get; init; }
        public byte[]? Destination { get; init; }
        public byte[]? SourceAccount { get; init; }
        public byte[]? TokenProgram { get; init; }
        public byte[]? FeePayerKey { get; init; }
        public byte[]? SignWith { get; init; }
        public bool AuthorityIsSigner { get; init; } = true;
        public bool Versioned { get; init; }
        public bool LookupTable { get; init; }
        public string? Memo { get; init; }
        public byte[]? TransferData { get; init; }
        /// <summary>Rewrites the instruction list (compute limit, compute price, transfer, memo...).</summary>
        public Func<List<Ix>, List<Ix>>? Instructions { get; init; }
        /// <summary>Bytes in the fee payer's (unsigned) signature slot.</summary>
        public byte FeePayerSlotFill { get; init; }
    }

    public static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return b;
    }

    public static byte[] Transaction(Tx t)
    {
        var mint = t.Mint ?? Base58.Decode(DevnetUsdc);
        var tokenProgram = t.TokenProgram ?? SolanaPrograms.Token;
        var destination = t.Destination ?? SolanaPrograms.AssociatedTokenAccount(Base58.Decode(PayTo), Base58.Decode(DevnetUsdc), SolanaPrograms.Token);
        var feePayer = t.FeePayerKey ?? FeePayer.Public;
        var instructions = new List<Ix>
        {
            new(SolanaPrograms.ComputeBudget, [], [2, 0x40, 0x0D, 0x03, 0x00]),
            new(SolanaPrograms.ComputeBudget, [], [3, .. U64(t.MicroLamports)]),
            new(tokenProgram, [t.SourceAccount ?? Source, mint, destination, Authority.Public], t.TransferData ?? [12, .. U64(t.Amount), 6]),
        };
        if (t.Memo is not null) instructions.Add(new Ix(SolanaPrograms.Memo, [], System.Text.Encoding.UTF8.GetBytes(t.Memo)));
        instructions = t.Instructions?.Invoke(instructions) ?? instructions;

        // Account order: signers (fee payer, then the authority when it signs), then the others.
        var keys = new List<byte[]> { feePayer };
        if (t.AuthorityIsSigner && !Authority.Public.SequenceEqual(feePayer)) keys.Add(Authority.Public);
        var required = keys.Count;
        foreach (var k in instructions.SelectMany(i => i.Accounts.Append(i.Program)))
            if (!keys.Any(x => x.SequenceEqual(k))) keys.Add(k);
        int Index(byte[] k) => keys.FindIndex(x => x.SequenceEqual(k));

        var message = new List<byte>();
        if (t.Versioned || t.LookupTable) message.Add(0x80);
        message.AddRange([(byte)required, 0, 0, (byte)keys.Count]);
        foreach (var k in keys) message.AddRange(k);
        message.AddRange(Enumerable.Repeat((byte)7, 32)); // recent blockhash
        message.Add((byte)instructions.Count);
        foreach (var ix in instructions)
        {
            message.Add((byte)Index(ix.Program));
            message.Add((byte)ix.Accounts.Length);
            message.AddRange(ix.Accounts.Select(a => (byte)Index(a)));
            message.Add((byte)ix.Data.Length);
            message.AddRange(ix.Data);
        }
        if (t.LookupTable) message.AddRange([1, .. NewKey().Public, 1, 0, 0]);
        else if (t.Versioned) message.Add(0);

        var bytes = message.ToArray();
        var tx = new List<byte> { (byte)required };
        tx.AddRange(Enumerable.Repeat(t.FeePayerSlotFill, 64)); // the fee payer signs at settlement
        if (required == 2)
        {
            var signature = new byte[64];
            Ed25519.Sign(t.SignWith ?? Authority.Secret, 0, bytes, 0, bytes.Length, signature, 0);
            tx.AddRange(signature);
        }
        tx.AddRange(bytes);
        return [.. tx];
    }

    public static PaymentPayload Payload(Tx t, PaymentRequirements? accepted = null) =>
        PayloadOf(Convert.ToBase64String(Transaction(t)), accepted);

    public static PaymentPayload PayloadOf(string transaction, PaymentRequirements? accepted = null) =>
        new(2, accepted ?? Requirement(), new JsonObject { ["transaction"] = transaction });

    /// <summary>Every spelling a lenient decoder reads as the same bytes, by the spare bits of the last quantum.</summary>
    public static IReadOnlyList<string> Spellings(byte[] bytes)
    {
        var canonical = Convert.ToBase64String(bytes);
        var spare = (bytes.Length % 3) switch { 1 => 4, 2 => 2, _ => 0 };
        var at = canonical.TrimEnd('=').Length - 1;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var value = alphabet.IndexOf(canonical[at]);
        return Enumerable.Range(0, 1 << spare).Select(bits => canonical[..at] + alphabet[value | bits] + canonical[(at + 1)..]).ToList();
    }
}
