using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>A gateway that charges for sessions and has a LiveKit at the address a test chooses, with a worker on
/// its queue: sessions are paid by a payer of its own, whose credit shows what a failure gave back.</summary>
public sealed class PaidLiveKitRig : IAsyncDisposable
{
    public const long Paid = 1_000_000; // the paid minutes of a session at $0.10, in USDC's atomic units

    public string Payer { get; } = "0x" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(40, lowercase: true);

    public required GatewayFactory Gateway { get; init; }
    public required WebApplication Worker { get; init; }
    private HttpClient Client => field ??= Gateway.CreateClient();

    /// <param name="workerSettings">The worker's own settings on top (its output policy, its publisher).</param>
    public static async Task<PaidLiveKitRig> StartAsync(string liveKitUrl, IDictionary<string, string?>? workerSettings = null)
    {
        var liveKit = new Dictionary<string, string?>
        {
            ["Mirrorstage:LiveKit:Url"] = liveKitUrl,
            ["Mirrorstage:LiveKit:ApiKey"] = "APIkey123",
            ["Mirrorstage:LiveKit:ApiSecret"] = "livekit-secret-livekit-secret-livekit-secret",
        };
        var queue = "e2e-livekit-" + Guid.NewGuid().ToString("N")[..8];
        var gateway = LiveRig.AmqpGateway(queue, new(liveKit)
        {
            ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.10",
            ["Mirrorstage:Payments:Networks:0:Network"] = "base-sepolia",
            ["Mirrorstage:Payments:Networks:0:PayTo"] = "0x000000000000000000000000000000000000dEaD",
            ["Mirrorstage:Payments:Networks:0:FacilitatorUrl"] = "http://127.0.0.1:9/unused-scripted",
            ["Mirrorstage:Payments:Networks:0:VerifyLocally"] = "false",
        });
        var worker = LiveRig.BuildWorker(queue, "http://127.0.0.1:0", gateway.BlobFolder, "livekit-worker",
            new Dictionary<string, string?>(liveKit).Concat(workerSettings ?? new Dictionary<string, string?>()).ToDictionary());
        await worker.StartAsync();
        return new PaidLiveKitRig { Gateway = gateway, Worker = worker };
    }

    /// <summary>The fake publisher that plays a scenario of room events (tests/Mirrorstage.GpuWorker.Tests/Publishers).</summary>
    public static string ScriptedPublisher => Path.Combine(TestEnvironment.RepoRoot, "tests", "Mirrorstage.GpuWorker.Tests", "Publishers", "scripted-publisher.mjs");

    /// <summary>Shaped like a LiveKit token from another server: the gateway reads its grant, it cannot check its signature.</summary>
    public static string CallerToken() =>
        string.Join('.', new[] { """{"alg":"HS256","typ":"JWT"}""", """{"iss":"theirs","sub":"avatar","video":{"roomJoin":true,"room":"agents-room"}}""" }
            .Select(s => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(s)))) + ".c2lnbmF0dXJl";

    /// <summary>A paid LiveKit session: the gateway's room, or the caller's room at outputUrl with the caller's token.</summary>
    public async Task<(string Id, string Token)> CreatePaidSessionAsync(string? outputUrl = null)
    {
        MultipartFormDataContent Form()
        {
            var form = SessionForm(TestImages.Astronaut, outputUrl: outputUrl);
            if (outputUrl is not null) form.Add(new StringContent(CallerToken()), "livekit_token");
            return form;
        }
        var accepted = DecodeRequired(await Client.SendAsync(CreateSession(Form()))).Accepts[0];
        var created = await JsonAsync(await Client.SendAsync(CreateSession(Form(), Payment(accepted, Payer))));
        Assert.Equal("livekit", created["output_protocol"]!.GetValue<string>());
        return (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
    }

    /// <summary>The session's status once it is one of these (or the last seen, after a minute).</summary>
    public async Task<JsonObject> WaitForStatusAsync(string id, string token, params string[] statuses)
    {
        JsonObject status = [];
        for (var i = 0; i < 300 && !statuses.Contains(status["status"]?.GetValue<string>()); i++, await Task.Delay(200))
            status = await StatusAsync(id, token);
        return status;
    }

    public async Task<JsonObject> StatusAsync(string id, string token) =>
        await JsonAsync(await Client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));

    /// <summary>The payer's credit: what failures gave back.</summary>
    public async Task<long> CreditAsync()
    {
        await using var query = Gateway.Store.QuerySession();
        return (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(Payer)))?.BalanceAtomic ?? 0;
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync();
        await Worker.DisposeAsync();
        Gateway.Dispose();
    }
}
