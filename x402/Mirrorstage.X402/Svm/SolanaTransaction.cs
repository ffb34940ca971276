namespace Mirrorstage.X402.Svm;

public sealed record CompiledInstruction(int ProgramIndex, int[] Accounts, byte[] Data);

/// <summary>A decoded Solana transaction (legacy or v0 message). Address-table lookups are kept as a count:
/// the x402 exact scheme's accounts must all be static keys.</summary>
public sealed record SolanaTransaction(
    byte[][] Signatures, byte[] Message, int RequiredSignatures, byte[][] AccountKeys, CompiledInstruction[] Instructions, int LookupTables,
    byte[] RecentBlockhash)
{
    public byte[] FeePayer => AccountKeys[0];

    public static SolanaTransaction? TryParse(byte[] raw)
    {
        try
        {
            var r = new Reader(raw);
            var signatureCount = r.CompactU16();
            var signatures = Enumerable.Range(0, signatureCount).Select(_ => r.Bytes(64)).ToArray();
            var messageStart = r.Position;
            var versioned = (r.Peek() & 0x80) != 0;
            if (versioned && (r.Byte() & 0x7F) != 0) return null; // only v0 exists
            int required = r.Byte();
            r.Byte(); r.Byte(); // read-only signed / unsigned counts
            var keys = Enumerable.Range(0, r.CompactU16()).Select(_ => r.Bytes(32)).ToArray();
            var blockhash = r.Bytes(32);
            var instructions = Enumerable.Range(0, r.CompactU16()).Select(_ =>
            {
                int program = r.Byte();
                var accounts = Enumerable.Range(0, r.CompactU16()).Select(_ => (int)r.Byte()).ToArray();
                var data = r.Bytes(r.CompactU16());
                return new CompiledInstruction(program, accounts, data);
            }).ToArray();
            var lookups = 0;
            if (versioned)
            {
                lookups = r.CompactU16();
                for (var i = 0; i < lookups; i++)
                {
                    r.Bytes(32);
                    r.Bytes(r.CompactU16());
                    r.Bytes(r.CompactU16());
                }
            }
            if (!r.AtEnd || signatureCount != required || required == 0 || keys.Length < required) return null;
            if (instructions.Any(ix => ix.ProgramIndex >= keys.Length || ix.Accounts.Any(a => a >= keys.Length))) return null;
            return new SolanaTransaction(signatures, raw[messageStart..], required, keys, instructions, lookups, blockhash);
        }
        catch (IndexOutOfRangeException)
        {
            return null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private sealed class Reader(byte[] data)
    {
        public int Position { get; private set; }
        public bool AtEnd => Position == data.Length;
        public byte Peek() => data[Position];
        public byte Byte() => data[Position++];

        public byte[] Bytes(int n)
        {
            if (n < 0 || Position + n > data.Length) throw new IndexOutOfRangeException();
            var slice = data[Position..(Position + n)];
            Position += n;
            return slice;
        }

        public int CompactU16()
        {
            var value = 0;
            for (var shift = 0; shift <= 14; shift += 7)
            {
                var b = Byte();
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new IndexOutOfRangeException();
        }
    }
}
