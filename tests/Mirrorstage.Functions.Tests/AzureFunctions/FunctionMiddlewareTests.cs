using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Functions.AzureFunctions;
using Mirrorstage.Functions.Tests.Security;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.AzureFunctions;

/// <summary>A function adapter runs its slice behind the same middleware as Kestrel: fair-use limits and
/// token-safe request logs hold on Azure Functions too.</summary>
[Collection(GatewayCollection.Name)]
public class FunctionMiddlewareTests(LimitedGateway gateway) : IClassFixture<LimitedGateway>
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.40");

    /// <summary>GET /v1/view/{id} through its function adapter, as the Functions worker would hand it over.</summary>
    private static async Task<(int Status, IHeaderDictionary Headers, JsonNode? Body)> ViewCredentialsAsync(IServiceProvider app, GatewayFunctions adapters, string path)
    {
        await using var scope = app.CreateAsyncScope();
        var context = await FunctionRequests.ContextFor(new HttpRequestMessage(HttpMethod.Get, path), scope.ServiceProvider, Client);
        await adapters.ViewCredentials(context.Request);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, context.Response.Headers, body.Length > 0 ? JsonNode.Parse(body) : null);
    }

    [Fact]
    public async Task An_adapter_answers_429_past_the_budget_like_Kestrel()
    {
        var adapters = new GatewayFunctions(new GatewayEndpoints(gateway.Services));
        var id = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
            Assert.Equal(401, (await ViewCredentialsAsync(gateway.Services, adapters, $"/v1/view/{id}?share=sh_guess{i}")).Status);

        var (status, headers, body) = await ViewCredentialsAsync(gateway.Services, adapters, $"/v1/view/{id}?share=sh_guess9");
        Assert.Equal(429, status);
        Assert.Equal("rate_limited", body!["error"]!["code"]!.GetValue<string>());
        Assert.InRange(int.Parse(headers.RetryAfter.ToString()), 1, 600);
    }

    [Fact]
    public async Task An_adapter_logs_requests_without_their_tokens()
    {
        using var verbose = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
            ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
        });
        var client = verbose.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
        var share = await ShareTokenAsync(client, id, token);
        var adapters = new GatewayFunctions(new GatewayEndpoints(verbose.Services));
        var logs = CapturedLogs.On(verbose.Services);

        Assert.Equal(200, (await ViewCredentialsAsync(verbose.Services, adapters, $"/v1/view/{id}?share={share}")).Status);
        Assert.Equal(401, (await ViewCredentialsAsync(verbose.Services, adapters, $"/v1/view/{id}?share=sh_wrong_{Guid.NewGuid():N}")).Status);

        Assert.Contains(logs.Lines, l => l.Contains($"/v1/view/{id}")); // requests are logged, by path
        Assert.DoesNotContain(logs.Lines, l => l.Contains(share) || l.Contains(token) || l.Contains("sh_wrong_") || l.Contains("share="));
    }
}
