using Mirrorstage.Functions.Tests.EndToEnd;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.Security;

/// <summary>No session or share token reaches a log, on the gateway or the worker, even with ASP.NET Core's
/// own logs turned up to Information.</summary>
[Collection(GatewayCollection.Name)]
public class TokenLogTests
{
    private static readonly Dictionary<string, string?> Verbose = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
    };

    [Fact]
    public async Task The_gateway_logs_requests_without_their_tokens()
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string?>(Verbose) { ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true" });
        var client = gateway.CreateClient();
        var logs = CapturedLogs.On(gateway.Services);

        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
        var share = await ShareTokenAsync(client, id, token);
        Assert.Equal(200, (int)(await client.GetAsync($"/v1/view/{id}?share={share}")).StatusCode);
        await client.GetAsync($"/v1/view/{id}?share=sh_wrong_{Guid.NewGuid():N}");

        Assert.Contains(logs.Lines, l => l.Contains($"/v1/view/{id}")); // requests are logged, by path
        Assert.DoesNotContain(logs.Lines, l => l.Contains(share) || l.Contains(token) || l.Contains("sh_wrong_") || l.Contains("share="));
    }

    [Fact]
    public async Task The_worker_logs_socket_requests_without_their_token()
    {
        await using var rig = await LiveRig.StartAsync(Verbose);
        await rig.CreateLiveSessionAsync();
        var logs = CapturedLogs.On(rig.Worker.Services);

        using (var socket = await rig.ConnectAsync()) await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", default);
        var refused = new HttpClient().GetAsync(rig.WebSocketUrl.Replace("ws://", "http://").Split("token=")[0] + "token=sk_wrong_1234");
        Assert.Equal(401, (int)(await refused).StatusCode);
        await Task.Delay(500); // the request lines are written as the requests complete

        Assert.Contains(logs.Lines, l => l.Contains($"/v1/sessions/{rig.SessionId}/stream"));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(rig.Token) || l.Contains("sk_wrong_") || l.Contains("token="));
    }
}
