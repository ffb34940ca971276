using System.Net;
using System.Net.Sockets;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>A paid session for the gateway's LiveKit, whose address has no server: the worker's publisher
/// cannot join, the session fails with that reason and the payment comes back as credit.</summary>
[Collection(GatewayCollection.Name)]
public class LiveKitFailureTests
{
    [Fact]
    public async Task A_LiveKit_room_that_cannot_be_joined_fails_the_session_with_a_full_refund()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var noServer = $"ws://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        var liveKit = new Dictionary<string, string?>
        {
            ["Mirrorstage:LiveKit:Url"] = noServer,
            ["Mirrorstage:LiveKit:ApiKey"] = "APIkey123",
            ["Mirrorstage:LiveKit:ApiSecret"] = "livekit-secret-livekit-secret-livekit-secret",
        };
        var queue = "e2e-livekit-" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = LiveRig.AmqpGateway(queue, new(liveKit)
        {
            ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.10",
            ["Mirrorstage:Payments:Networks:0:Network"] = "base-sepolia",
            ["Mirrorstage:Payments:Networks:0:PayTo"] = "0x000000000000000000000000000000000000dEaD",
            ["Mirrorstage:Payments:Networks:0:FacilitatorUrl"] = "http://127.0.0.1:9/unused-scripted",
            ["Mirrorstage:Payments:Networks:0:VerifyLocally"] = "false",
        });
        await using var worker = LiveRig.BuildWorker(queue, "http://127.0.0.1:0", gateway.BlobFolder, "livekit-worker", liveKit);
        await worker.StartAsync();

        const string payer = "0x00000000000000000000000000000000000000C7";
        var client = gateway.CreateClient();
        var accepted = DecodeRequired(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, payer))));
        Assert.Equal("livekit", created["output_protocol"]!.GetValue<string>());
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());

        System.Text.Json.Nodes.JsonObject status = [];
        for (var i = 0; i < 300 && status["status"]?.GetValue<string>() is not ("failed" or "active" or "ended"); i++, await Task.Delay(200))
            status = await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token)));
        Assert.Equal(("failed", "livekit_connect_failed"), (status["status"]!.GetValue<string>(), status["failure_reason"]!.GetValue<string>()));

        var events = await gateway.EventsOfAsync(id);
        Assert.Empty(events.OfType<SessionActivated>()); // never billed as live
        await using var query = gateway.Store.QuerySession();
        Assert.Equal(1_000_000, (await query.LoadAsync<WalletBalance>(WalletAddress.StreamKey(payer)))!.BalanceAtomic);
        await worker.StopAsync();
    }
}
