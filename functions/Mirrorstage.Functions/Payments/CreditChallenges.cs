using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Api;
using Mirrorstage.X402;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Svm;

namespace Mirrorstage.Functions.Payments;

/// <summary>Proof that the caller controls the wallet whose credits pay for a request. The gateway issues a
/// challenge bound to the request (wallet, amount, request fingerprint, expiry, nonce) and seals it with an
/// HMAC, so it keeps no state; the wallet signs the challenge text (EIP-191 personal_sign for 0x addresses,
/// Ed25519 for Solana addresses).</summary>
public sealed class CreditChallenges(IOptions<GatewayOptions> options, TimeProvider clock)
{
    public const string ChallengeHeader = "CREDIT-CHALLENGE";
    public const string SignatureHeader = "CREDIT-SIGNATURE";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly byte[] _key = Encoding.UTF8.GetBytes("credit-challenge:" + options.Value.TokenSecret);

    public sealed record Proof(string Wallet, long AmountAtomic, string Nonce);

    /// <summary>A request pays with credits when it carries a credit signature and no x402 payment.</summary>
    public static bool IsCreditPayment(HttpRequest request) =>
        request.Headers.ContainsKey(SignatureHeader) && !request.Headers.ContainsKey(X402.X402Headers.PaymentSignature);

    public static string Text(string wallet, long amount, string fingerprint, long expires, string nonce) =>
        $"Mirrorstage credit payment\nWallet: {wallet}\nAmount: {amount} USDC atomic units\nRequest: {fingerprint}\nExpires: {expires}\nNonce: {nonce}";

    public string Issue(string wallet, long amount, string fingerprint)
    {
        var expires = clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        var text = Text(WalletAddress.Normalize(wallet), amount, fingerprint, expires, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var bytes = Encoding.UTF8.GetBytes(text);
        return SessionTokens.Base64Url(bytes) + "." + SessionTokens.Base64Url(HMACSHA256.HashData(_key, bytes));
    }

    /// <summary>Checks the echoed challenge and the wallet's signature over it, for this request and price.</summary>
    public Proof Verify(HttpRequest request, string? wallet, long amount, string fingerprint)
    {
        if (wallet is null)
            throw ApiException.BadRequest("wallet_required", "Paying with credits needs the wallet field.");
        var token = request.Headers[ChallengeHeader].ToString();
        var signature = request.Headers[SignatureHeader].ToString();
        var parts = token.Split('.');
        byte[] text, mac;
        try
        {
            if (parts.Length != 2 || token.Length > 2048) throw new FormatException();
            text = SessionTokens.FromBase64Url(parts[0]);
            mac = SessionTokens.FromBase64Url(parts[1]);
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("invalid_credit_challenge", "CREDIT-CHALLENGE must be the challenge this gateway issued, unchanged.");
        }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, text)))
            throw ApiException.BadRequest("invalid_credit_challenge", "CREDIT-CHALLENGE must be the challenge this gateway issued, unchanged.");

        var fields = Encoding.UTF8.GetString(text).Split('\n').Skip(1)
            .Select(line => line.Split(": ", 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        var normalized = WalletAddress.Normalize(wallet);
        if (fields["Wallet"] != normalized || fields["Request"] != fingerprint || fields["Amount"] != $"{amount} USDC atomic units")
            throw new ApiException(402, "credit_challenge_mismatch", "This challenge was issued for another wallet, amount or request; ask for a new one.");
        if (long.Parse(fields["Expires"], CultureInfo.InvariantCulture) < clock.GetUtcNow().ToUnixTimeSeconds())
            throw new ApiException(402, "credit_challenge_expired", "The challenge expired; ask for a new one.");
        if (!SignedBy(normalized, text, signature))
            throw new ApiException(402, "credit_signature_invalid", "CREDIT-SIGNATURE is not the wallet's signature of the challenge text.");
        return new Proof(normalized, amount, fields["Nonce"]);
    }

    private static bool SignedBy(string wallet, byte[] text, string signature)
    {
        if (WalletAddress.IsEvm(wallet))
        {
            if (!Hex.TryDecode(signature, 65, out var sig)) return false;
            var digest = new Nethereum.Signer.EthereumMessageSigner().HashPrefixedMessage(text); // EIP-191 personal_sign
            var signer = Secp256k1.RecoverAddress(digest, Secp256k1.Signature.Parse(sig)!);
            return signer is not null && Hex.Encode(signer) == wallet;
        }
        // Solana: a 64-byte Ed25519 signature, base58 (as Solana wallets print it) or base64.
        if (!Base58.TryDecode(wallet, 32, out var publicKey)) return false;
        if (!Base58.TryDecode(signature, 64, out var ed))
        {
            if (!CanonicalBase64.TryDecode(signature, 64, out var b64) || b64.Length != 64) return false; // one spelling, as for payments
            ed = b64;
        }
        return Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(ed, 0, publicKey, 0, text, 0, text.Length);
    }
}
