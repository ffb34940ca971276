using System.Text;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Payments;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Svm;
using Org.BouncyCastle.Math.EC.Rfc8032;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>Paying entirely with wallet credits, proven by the wallet's signature over a challenge bound to the request.</summary>
[Collection(GatewayCollection.Name)]
public class CreditPaymentTests(PaidGateway gateway)
{
    private readonly HttpClient _client = gateway.CreateClient();

    private static (byte[] Key, string Address) NewEvmWallet()
    {
        var key = Nethereum.Signer.EthECKey.GenerateKey();
        return (key.GetPrivateKeyAsBytes(), key.GetPublicAddress().ToLowerInvariant());
    }

    /// <summary>personal_sign as wallets do it (Nethereum's EIP-191 signer), not by the code under test.</summary>
    private static string PersonalSign(byte[] key, string text) =>
        new Nethereum.Signer.EthereumMessageSigner().EncodeUTF8AndSign(text, new Nethereum.Signer.EthECKey(key, true));

    private async Task GrantAsync(string wallet, long amount)
    {
        await using var session = gateway.Store.LightweightSession();
        session.Events.Append(WalletAddress.StreamKey(wallet), WalletDecider.Grant(wallet, amount, "refund", null, null, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    private async Task<long> BalanceAsync(string wallet)
    {
        await using var query = gateway.Store.QuerySession();
        return (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(wallet)))?.BalanceAtomic ?? 0;
    }

    private async Task<string> ChallengeAsync(string wallet, string duration = "15")
    {
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut, duration: duration, wallet: wallet)));
        await AssertErrorAsync(response, 402, "payment_required");
        return response.Headers.GetValues(CreditChallenges.ChallengeHeader).Single();
    }

    private static string TextOf(string challenge)
    {
        var b = challenge.Split('.')[0].Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(b.PadRight(b.Length + (4 - b.Length % 4) % 4, '=')));
    }

    private HttpRequestMessage Paid(string wallet, string challenge, string signature, string duration = "15")
    {
        var request = CreateSession(SessionForm(TestImages.Astronaut, duration: duration, wallet: wallet));
        request.Headers.Add(CreditChallenges.ChallengeHeader, challenge);
        request.Headers.Add(CreditChallenges.SignatureHeader, signature);
        return request;
    }

    [Fact]
    public async Task An_EVM_wallet_pays_a_session_from_its_credits()
    {
        var (key, wallet) = NewEvmWallet();
        await GrantAsync(wallet, 1_500_000);
        var challenge = await ChallengeAsync(wallet);
        Assert.Contains($"Wallet: {wallet}", TextOf(challenge));
        Assert.Contains("Amount: 1000000 USDC atomic units", TextOf(challenge));
        gateway.Facilitator.Reset();
        using var measured = new PaymentMeasurements();

        var response = await _client.SendAsync(Paid(wallet, challenge, PersonalSign(key, TextOf(challenge))));
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Contains(measured.Measured, m => m is ("mirrorstage.payments", 1, "credits"));
        var json = await JsonAsync(response);
        Assert.Equal(1.00m, json["price_usd"]!.GetValue<decimal>());
        Assert.Equal(wallet, json["wallet"]!.GetValue<string>());
        Assert.Equal(500_000, await BalanceAsync(wallet));
        Assert.Equal(0, gateway.Facilitator.Verifies);
        var spent = (await gateway.EventsOfAsync(json["session_id"]!.GetValue<string>())).OfType<CreditsSpent>().Single();
        Assert.Equal((wallet, 1_000_000L), (spent.Wallet, spent.AmountAtomic));

        // The same signed challenge for the same request answers with the same session, charging nothing more.
        var retry = await JsonAsync(await _client.SendAsync(Paid(wallet, challenge, PersonalSign(key, TextOf(challenge)))));
        Assert.Equal(json["session_id"]!.GetValue<string>(), retry["session_id"]!.GetValue<string>());
        Assert.Equal(500_000, await BalanceAsync(wallet));
    }

    [Fact]
    public async Task Credit_from_a_settlement_that_bought_nothing_pays_for_a_session()
    {
        // The wallet's stream begins with the settlement, then its credit: the wallet's state must still be its credit.
        var (key, wallet) = NewEvmWallet();
        var form = () => SessionForm(TestImages.Astronaut, duration: AppendFault.Minutes.ToString());
        var accepted = DecodeRequired(await _client.SendAsync(CreateSession(form()))).Accepts[0];
        await AssertErrorAsync(await _client.SendAsync(CreateSession(form(), Payment(accepted, wallet))), 503, "session_not_recorded");
        Assert.IsType<PaymentSettled>((await gateway.EventsOfAsync(WalletAddress.StreamKey(wallet)))[0]);
        var challenge = await ChallengeAsync(wallet);

        var response = await _client.SendAsync(Paid(wallet, challenge, PersonalSign(key, TextOf(challenge))));

        Assert.True(201 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(3_700_000 - 1_000_000, await BalanceAsync(wallet));
    }

    /// <summary>A fresh Solana wallet with credit, a challenge for it, and the wallet's Ed25519 signature of it.</summary>
    private async Task<(string Wallet, string Challenge, byte[] Signature)> SolanaSignedChallengeAsync()
    {
        var secret = new byte[32];
        Ed25519.GeneratePrivateKey(new Org.BouncyCastle.Security.SecureRandom(), secret);
        var pub = new byte[32];
        Ed25519.GeneratePublicKey(secret, 0, pub, 0);
        var wallet = Base58.Encode(pub);
        await GrantAsync(wallet, 1_000_000);
        var challenge = await ChallengeAsync(wallet);
        var text = Encoding.UTF8.GetBytes(TextOf(challenge));
        var sig = new byte[64];
        Ed25519.Sign(secret, 0, text, 0, text.Length, sig, 0);
        return (wallet, challenge, sig);
    }

    [Fact]
    public async Task A_Solana_wallet_pays_with_an_Ed25519_signature()
    {
        var (wallet, challenge, sig) = await SolanaSignedChallengeAsync();

        var response = await _client.SendAsync(Paid(wallet, challenge, Base58.Encode(sig)));
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(0, await BalanceAsync(wallet));
    }

    [Fact]
    public async Task A_Solana_signature_in_base64_has_one_spelling()
    {
        var (wallet, challenge, sig) = await SolanaSignedChallengeAsync();
        var canonical = Convert.ToBase64String(sig); // 64 bytes: the last quantum carries 4 spare bits before "=="
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var last = canonical[^3];
        var respelled = canonical[..^3] + alphabet[alphabet.IndexOf(last) | 1] + "==";
        Assert.Equal(sig, Convert.FromBase64String(respelled)); // the same bytes to a lenient decoder

        await AssertErrorAsync(await _client.SendAsync(Paid(wallet, challenge, respelled)), 402, "credit_signature_invalid");
        Assert.Equal(1_000_000, await BalanceAsync(wallet));
        Assert.Equal(201, (int)(await _client.SendAsync(Paid(wallet, challenge, canonical))).StatusCode);
    }

    [Fact]
    public async Task A_signature_by_another_key_spends_nothing()
    {
        var (_, wallet) = NewEvmWallet();
        var (otherKey, _) = NewEvmWallet();
        await GrantAsync(wallet, 1_000_000);
        var challenge = await ChallengeAsync(wallet);
        var before = await gateway.CountEventsAsync();
        await AssertErrorAsync(await _client.SendAsync(Paid(wallet, challenge, PersonalSign(otherKey, TextOf(challenge)))), 402, "credit_signature_invalid");
        Assert.Equal(1_000_000, await BalanceAsync(wallet));
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task Too_little_credit_is_a_402()
    {
        var (key, wallet) = NewEvmWallet();
        await GrantAsync(wallet, 999_999);
        var challenge = await ChallengeAsync(wallet);
        using var measured = new PaymentMeasurements();
        await AssertErrorAsync(await _client.SendAsync(Paid(wallet, challenge, PersonalSign(key, TextOf(challenge)))), 402, "insufficient_credits");
        Assert.Equal(999_999, await BalanceAsync(wallet));
        Assert.Contains(measured.Measured, m => m is ("mirrorstage.payments", 1, "insufficient_credits"));
    }

    [Fact]
    public async Task A_challenge_only_pays_for_the_request_it_was_issued_for()
    {
        var (key, wallet) = NewEvmWallet();
        await GrantAsync(wallet, 5_000_000);
        var challenge = await ChallengeAsync(wallet, "15");
        var signature = PersonalSign(key, TextOf(challenge));
        await AssertErrorAsync(await _client.SendAsync(Paid(wallet, challenge, signature, duration: "20")), 402, "credit_challenge_mismatch");
        var (_, other) = NewEvmWallet();
        await AssertErrorAsync(await _client.SendAsync(Paid(other, challenge, signature)), 402, "credit_challenge_mismatch");
        Assert.Equal(5_000_000, await BalanceAsync(wallet));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData("")]
    public async Task A_forged_challenge_is_a_400(string challenge)
    {
        var (key, wallet) = NewEvmWallet();
        var real = await ChallengeAsync(wallet);
        var tampered = challenge == "" ? real[..^4] + "AAAA" : challenge;
        await AssertErrorAsync(await _client.SendAsync(Paid(wallet, tampered, PersonalSign(key, "x"))), 400, "invalid_credit_challenge");
    }

    [Fact]
    public async Task Credits_without_a_wallet_field_are_a_400()
    {
        var request = CreateSession(SessionForm(TestImages.Astronaut));
        request.Headers.Add(CreditChallenges.ChallengeHeader, "x.y");
        request.Headers.Add(CreditChallenges.SignatureHeader, "0x00");
        await AssertErrorAsync(await _client.SendAsync(request), 400, "wallet_required");
    }
}
