using System.Text.Json.Nodes;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Svm;
using Mirrorstage.X402.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>One payment buys one session, and only its client gets the session's token back.</summary>
[Collection(GatewayCollection.Name)]
public class PaymentReplayTests(PaidGateway gateway)
{
    private const string Payer = "0x00000000000000000000000000000000000000B1";
    private readonly HttpClient _client = gateway.CreateClient();

    private async Task<PaymentRequirements[]> AcceptsAsync() =>
        [.. DecodeRequired(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts];

    /// <summary>The same authorization as a stranger rebuilds it from the mined calldata: other JSON, same chain facts.</summary>
    private static string Rebuilt(string header)
    {
        var p = JsonNode.Parse(Convert.FromBase64String(header))!;
        var a = p["payload"]!["authorization"]!;
        var rebuilt = new JsonObject
        {
            ["x402Version"] = 2,
            ["accepted"] = p["accepted"]!.DeepClone(),
            ["payload"] = new JsonObject
            {
                ["authorization"] = new JsonObject
                {
                    ["nonce"] = "0x" + a["nonce"]!.GetValue<string>()[2..].ToUpperInvariant(), ["validBefore"] = a["validBefore"]!.DeepClone(),
                    ["validAfter"] = a["validAfter"]!.DeepClone(), ["value"] = a["value"]!.DeepClone(), ["to"] = a["to"]!.DeepClone(),
                    ["from"] = "0x" + a["from"]!.GetValue<string>()[2..].ToUpperInvariant(),
                },
                ["signature"] = p["payload"]!["signature"]!.DeepClone(),
            },
        };
        return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(rebuilt.ToJsonString()));
    }

    [Fact]
    public async Task A_replay_rebuilt_from_public_chain_data_gets_no_token()
    {
        var payment = Payment((await AcceptsAsync())[0], Payer);
        var key = Guid.NewGuid().ToString();
        gateway.Facilitator.Reset();
        var first = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment, key)));
        var id = first["session_id"]!.GetValue<string>();

        foreach (var (attempt, replayKey) in new[] { (Rebuilt(payment), (string?)null), (payment, null), (payment, "a-guessed-key-0001") })
        {
            var replay = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), attempt, replayKey));
            var body = await replay.Content.ReadAsStringAsync();
            await AssertErrorAsync(replay, 409, "payment_already_used");
            Assert.Equal(id, JsonNode.Parse(body)!["error"]!["session_id"]!.GetValue<string>());
            Assert.DoesNotContain(first["token"]!.GetValue<string>(), body);
            Assert.DoesNotContain("sk_", body);
        }

        var own = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment, key)));
        Assert.Equal(first["token"]!.GetValue<string>(), own["token"]!.GetValue<string>());
        Assert.Equal(1, gateway.Facilitator.Settles);
    }

    [Fact]
    public async Task The_x402_payment_identifier_extension_also_names_the_request()
    {
        var accepted = (await AcceptsAsync())[0];
        var payload = JsonNode.Parse(Convert.FromBase64String(Payment(accepted, Payer)))!.AsObject();
        payload["extensions"] = new JsonObject { ["payment-identifier"] = new JsonObject { ["info"] = new JsonObject { ["id"] = "pay_" + Guid.NewGuid().ToString("N") } } };
        var payment = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var first = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment)));
        var again = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment)));
        Assert.Equal(first["token"]!.GetValue<string>(), again["token"]!.GetValue<string>());
        await AssertErrorAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Rebuilt(payment))), 409, "payment_already_used");
    }

    [Fact]
    public async Task An_echoed_payment_identifier_declaration_without_an_id_is_no_key()
    {
        var required = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)));
        var declared = JsonNode.Parse(Convert.FromBase64String(required.Headers.GetValues(X402Headers.PaymentRequired).Single()))!["extensions"]!;
        var payload = JsonNode.Parse(Convert.FromBase64String(Payment(DecodeRequired(required).Accepts[0], Payer)))!.AsObject();
        payload["extensions"] = declared.DeepClone(); // what the official client sends back
        var payment = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));
        Assert.Equal(201, (int)(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment))).StatusCode);
        await AssertErrorAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), payment)), 409, "payment_already_used");
    }

    [Fact]
    public async Task Sixteen_spellings_of_one_Solana_transaction_buy_one_session()
    {
        var solana = (await AcceptsAsync())[1];
        var feePayer = Base58.Decode(solana.Extra!["feePayer"]!.GetValue<string>());
        byte[] Tx(string memo, byte fill = 0) => SolanaPayments.Transaction(new SolanaPayments.Tx { FeePayerKey = feePayer, Memo = memo, FeePayerSlotFill = fill });
        var memo = Enumerable.Range(1, 3).Select(n => new string('m', n) + Guid.NewGuid().ToString("N")).First(m => Tx(m).Length % 3 == 1);
        var spellings = SolanaPayments.Spellings(Tx(memo));
        Assert.Equal(16, spellings.Count);
        gateway.Facilitator.Reset();

        var responses = await Task.WhenAll(spellings.Select(s =>
            _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), X402Headers.Encode(SolanaPayments.PayloadOf(s, solana))))));

        Assert.Equal(1, responses.Count(r => (int)r.StatusCode == 201));
        foreach (var refused in responses.Where(r => (int)r.StatusCode != 201)) await AssertErrorAsync(refused, 400, "invalid_payment_signature");
        Assert.Equal(1, gateway.Facilitator.Settles);

        // The same signed message with other bytes in the fee payer's slot is the same payment.
        var sameMessage = X402Headers.Encode(SolanaPayments.PayloadOf(Convert.ToBase64String(Tx(memo, 0x77)), solana));
        await AssertErrorAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), sameMessage)), 409, "payment_already_used");
        Assert.Equal(1, gateway.Facilitator.Settles);
    }

    [Fact]
    public async Task A_transaction_reported_for_two_payments_pays_for_one()
    {
        var accepted = (await AcceptsAsync())[0];
        gateway.Facilitator.Reset();
        const string second = "0x00000000000000000000000000000000000000B2";
        var first = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer, "same_tx")));
        var other = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, second, "same_tx")));
        if ((int)first.StatusCode != 201) await AssertErrorAsync(first, 409, "payment_already_used"); // an earlier run's row
        await AssertErrorAsync(other, 409, "payment_already_used");
        Assert.Equal(2, gateway.Facilitator.Settles);
        Assert.Empty(await gateway.EventsOfAsync(Events.Wallets.WalletAddress.StreamKey(second)));
    }

    public static TheoryData<string, Func<PaymentRequirements, string>> Crafted => new()
    {
        { "authorization is an array", a => Mutate(a, p => p["payload"]!["authorization"] = new JsonArray()) },
        { "a 78-digit validBefore", a => Mutate(a, p => p["payload"]!["authorization"]!["validBefore"] = new string('9', 78)) },
        { "payload is a string", a => Mutate(a, p => p["payload"] = "x") },
        { "a non-canonical spelling", a => NonCanonical(Payment(a, Payer)) },
    };

    /// <summary>The same JSON (padded with trailing spaces so the last quantum has spare bits), spelled with them set.</summary>
    private static string NonCanonical(string header)
    {
        var bytes = Convert.FromBase64String(header).ToList();
        while (bytes.Count % 3 != 1) bytes.Add((byte)' ');
        return SolanaPayments.Spellings([.. bytes])[^1];
    }

    private static string Mutate(PaymentRequirements accepted, Action<JsonObject> change)
    {
        var p = JsonNode.Parse(Convert.FromBase64String(Payment(accepted, Payer)))!.AsObject();
        change(p);
        return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(p.ToJsonString()));
    }

    [Theory]
    [MemberData(nameof(Crafted))]
    public async Task Crafted_payments_answer_400_before_the_photo_is_stored(string name, Func<PaymentRequirements, string> craft)
    {
        var header = craft((await AcceptsAsync())[0]);
        var before = Directory.Exists(gateway.BlobFolder) ? Directory.EnumerateFiles(gateway.BlobFolder, "*", SearchOption.AllDirectories).Count() : 0;
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.FreshAstronaut()), header));
        await AssertErrorAsync(response, 400, "invalid_payment_signature");
        var after = Directory.Exists(gateway.BlobFolder) ? Directory.EnumerateFiles(gateway.BlobFolder, "*", SearchOption.AllDirectories).Count() : 0;
        Assert.True(before == after, $"{name}: {after - before} blobs written");
    }

    [Fact]
    public async Task A_payment_its_own_terms_refuse_answers_402_before_the_photo_is_stored()
    {
        var solana = (await AcceptsAsync())[1];
        var feePayer = Base58.Decode(solana.Extra!["feePayer"]!.GetValue<string>());
        var short1 = SolanaPayments.Transaction(new SolanaPayments.Tx { FeePayerKey = feePayer, Amount = ulong.Parse(solana.Amount) - 1, Memo = Guid.NewGuid().ToString("N") });
        gateway.Facilitator.Reset();
        var before = Directory.Exists(gateway.BlobFolder) ? Directory.EnumerateFiles(gateway.BlobFolder, "*", SearchOption.AllDirectories).Count() : 0;

        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.FreshAstronaut()), X402Headers.Encode(SolanaPayments.PayloadOf(Convert.ToBase64String(short1), solana))));

        await AssertErrorAsync(response, 402, "payment_invalid");
        var after = Directory.Exists(gateway.BlobFolder) ? Directory.EnumerateFiles(gateway.BlobFolder, "*", SearchOption.AllDirectories).Count() : 0;
        Assert.Equal(before, after);
        Assert.Equal((0, 0), (gateway.Facilitator.Verifies, gateway.Facilitator.Settles));
    }
}
