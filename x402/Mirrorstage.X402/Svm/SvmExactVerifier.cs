using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Mirrorstage.X402.Models;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Mirrorstage.X402.Svm;

/// <summary>The MUST rules of the Solana "exact" scheme, checked before anything is sent to a facilitator:
/// instruction layout, fee-payer isolation, compute price cap, mint, destination, exact amount, memo, and
/// the transfer authority's Ed25519 signature over the message.</summary>
public static class SvmExactVerifier
{
    public const ulong MaxMicroLamportsPerComputeUnit = 5_000_000; // 5 lamports per compute unit
    private const int MaxTransactionBytes = PaymentIdentity.MaxSolanaTransactionBytes;

    public static VerifyResponse? Check(PaymentPayload payload, PaymentRequirements requirements)
    {
        string? payer = null;
        VerifyResponse Invalid(string reason, string message) => new(false, reason, message, payer);

        if (payload.Accepted.Scheme != "exact" || requirements.Scheme != "exact")
            return Invalid("unsupported_scheme", "Only the exact scheme is supported.");
        if (payload.Accepted.Network != requirements.Network || !requirements.Network.StartsWith("solana:", StringComparison.Ordinal))
            return Invalid("invalid_network", "The payload's network is not this requirement's.");
        if (payload.Payload["transaction"] is not { } node || node.GetValueKind() != JsonValueKind.String)
            return Invalid("invalid_exact_svm_payload_transaction", "payload.transaction must be a base64 transaction.");

        if (!CanonicalBase64.TryDecode(node.GetValue<string>(), MaxTransactionBytes, out var raw))
            return Invalid("invalid_exact_svm_payload_transaction", "payload.transaction is not a canonical base64 transaction of at most 1232 bytes.");
        if (SolanaTransaction.TryParse(raw) is not { } tx)
            return Invalid("invalid_exact_svm_payload_transaction", "payload.transaction does not decode as a Solana transaction.");
        if (tx.LookupTables > 0)
            return Invalid("invalid_exact_svm_payload_transaction_instructions", "Address lookup tables are not accepted.");

        var ix = tx.Instructions;
        byte[] Program(CompiledInstruction i) => tx.AccountKeys[i.ProgramIndex];
        if (ix.Length is < 3 or > 6)
            return Invalid("invalid_exact_svm_payload_transaction_instructions_length", "Expected compute limit, compute price, one transfer and at most three memo/Lighthouse instructions.");
        if (!Program(ix[0]).SequenceEqual(SolanaPrograms.ComputeBudget) || ix[0].Data is not [2, _, _, _, _])
            return Invalid("invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction", "Instruction 1 must be SetComputeUnitLimit.");
        if (!Program(ix[1]).SequenceEqual(SolanaPrograms.ComputeBudget) || ix[1].Data.Length != 9 || ix[1].Data[0] != 3)
            return Invalid("invalid_exact_svm_payload_transaction_instructions_compute_price_instruction", "Instruction 2 must be SetComputeUnitPrice.");
        if (BinaryPrimitives.ReadUInt64LittleEndian(ix[1].Data.AsSpan(1)) > MaxMicroLamportsPerComputeUnit)
            return Invalid("invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high", "The compute unit price is above 5 lamports per unit.");

        var transfer = ix[2];
        var tokenProgram = Program(transfer);
        if (!(tokenProgram.SequenceEqual(SolanaPrograms.Token) || tokenProgram.SequenceEqual(SolanaPrograms.Token2022))
            || transfer.Data.Length != 10 || transfer.Data[0] != 12 || transfer.Accounts.Length < 4)
            return Invalid("invalid_exact_svm_payload_transaction_instructions_transfer", "Instruction 3 must be an SPL Token TransferChecked.");
        foreach (var extra in ix[3..])
            if (!Program(extra).SequenceEqual(SolanaPrograms.Memo) && !Program(extra).SequenceEqual(SolanaPrograms.Lighthouse))
                return Invalid("invalid_exact_svm_payload_transaction_instructions", "Only Memo or Lighthouse instructions may follow the transfer.");

        byte[] Key(int index) => tx.AccountKeys[index];
        var source = Key(transfer.Accounts[0]);
        var mint = Key(transfer.Accounts[1]);
        var destination = Key(transfer.Accounts[2]);
        var authority = Key(transfer.Accounts[3]);
        payer = Base58.Encode(authority);

        var feePayer = tx.FeePayer;
        var expectedFeePayer = requirements.Extra?["feePayer"]?.GetValue<string>();
        if (expectedFeePayer is null || Base58.Encode(feePayer) != expectedFeePayer)
            return Invalid("invalid_exact_svm_payload_transaction_fee_payer_mismatch", "The transaction's fee payer is not extra.feePayer.");
        if (ix.Any(i => i.Accounts.Any(a => Key(a).SequenceEqual(feePayer))))
            return Invalid("invalid_exact_svm_payload_transaction_fee_payer_included_in_instruction_accounts", "The fee payer may not appear in any instruction's accounts.");

        if (!Base58.TryDecode(requirements.Asset, 32, out var asset) || !mint.SequenceEqual(asset))
            return Invalid("invalid_exact_svm_payload_transaction_mint_mismatch", "The transfer's mint is not the required asset.");
        if (!Base58.TryDecode(requirements.PayTo, 32, out var payTo)
            || !destination.SequenceEqual(SolanaPrograms.AssociatedTokenAccount(payTo, asset, tokenProgram)))
            return Invalid("invalid_exact_svm_payload_transaction_recipient_mismatch", "The destination is not payTo's associated token account.");
        var amount = BinaryPrimitives.ReadUInt64LittleEndian(transfer.Data.AsSpan(1));
        if (new BigInteger(amount) != BigInteger.Parse(requirements.Amount, System.Globalization.CultureInfo.InvariantCulture))
            return Invalid("invalid_exact_svm_payload_transaction_amount_mismatch", "The transfer amount is not the required amount.");
        if (requirements.Extra?["memo"]?.GetValue<string>() is { } memo
            && !ix[3..].Any(i => Program(i).SequenceEqual(SolanaPrograms.Memo) && Encoding.UTF8.GetString(i.Data) == memo))
            return Invalid("invalid_exact_svm_payload_transaction_memo_mismatch", "The transaction lacks the required memo.");
        if (source.SequenceEqual(authority))
            return Invalid("invalid_exact_svm_payload_transaction_instructions_transfer", "The transfer's source must be a token account, not its owner.");

        var signerIndex = Array.FindIndex(tx.AccountKeys, k => k.SequenceEqual(authority));
        if (signerIndex < 0 || signerIndex >= tx.RequiredSignatures)
            return Invalid("invalid_exact_svm_payload_transaction_signature", "The transfer authority is not a signer.");
        if (!Ed25519.Verify(tx.Signatures[signerIndex], 0, authority, 0, tx.Message, 0, tx.Message.Length))
            return Invalid("invalid_exact_svm_payload_transaction_signature", "The transfer authority's signature does not verify.");
        return null;
    }
}
