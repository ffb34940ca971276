using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Mirrorstage.X402.Svm;

public static class SolanaPrograms
{
    public static readonly byte[] ComputeBudget = Base58.Decode("ComputeBudget111111111111111111111111111111");
    public static readonly byte[] Token = Base58.Decode("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    public static readonly byte[] Token2022 = Base58.Decode("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
    public static readonly byte[] AssociatedToken = Base58.Decode("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
    public static readonly byte[] Memo = Base58.Decode("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
    public static readonly byte[] Lighthouse = Base58.Decode("L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95");

    /// <summary>The associated token account of (owner, mint) under a token program: the first program-derived
    /// address, bump 255 downwards, that is not an Ed25519 curve point.</summary>
    public static byte[] AssociatedTokenAccount(byte[] owner, byte[] mint, byte[] tokenProgram)
    {
        for (var bump = 255; bump >= 0; bump--)
        {
            var candidate = SHA256.HashData([.. owner, .. tokenProgram, .. mint, (byte)bump, .. AssociatedToken, .. "ProgramDerivedAddress"u8]);
            if (!Ed25519.ValidatePublicKeyPartial(candidate, 0)) return candidate;
        }
        throw new InvalidOperationException("No program-derived address exists for these seeds.");
    }
}
