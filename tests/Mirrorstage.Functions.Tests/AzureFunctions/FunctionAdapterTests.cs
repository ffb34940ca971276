using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Functions.AzureFunctions;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.AzureFunctions;

/// <summary>Each Azure Functions adapter and the Kestrel endpoint answer the same request the same way:
/// status, content type and body.</summary>
[Collection(GatewayCollection.Name)]
public class FunctionAdapterTests(FreeGateway gateway)
{
    /// <summary>One request per function, built twice (a request message is sent once). Each is answered by
    /// its slice alone (a code only that slice gives, or the slice's success body).</summary>
    private static Dictionary<string, Func<HttpRequestMessage>> Samples(string id, string token) => new()
    {
        ["health"] = () => new(HttpMethod.Get, "/health"),
        ["tos"] = () => new(HttpMethod.Get, "/tos"),
        ["sessions-create"] = () => CreateSession(SessionForm(TestImages.Astronaut, acceptTos: null)),
        ["sessions-get"] = () => WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token),
        ["sessions-share"] = () => WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/share", "sk_wrong"),
        ["sessions-extend"] = () => WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/extend", token, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")),
        ["sessions-end"] = () => new(HttpMethod.Delete, $"/v1/sessions/{id}"),
        ["view-credentials"] = () => new(HttpMethod.Get, $"/v1/view/{id}"),
        ["view-page"] = () => new(HttpMethod.Get, $"/view/{id}?share=sh_unknown"),
        ["view-script"] = () => new(HttpMethod.Get, "/view/assets/view.js"),
    };

    [Fact]
    public async Task Every_function_answers_like_the_endpoint_it_adapts()
    {
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var samples = Samples(created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
        var adapters = new GatewayFunctions(new GatewayEndpoints(gateway.Services));

        var functions = typeof(GatewayFunctions).GetMethods().Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null).ToList();
        Assert.NotEmpty(functions);
        foreach (var method in functions)
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
            Assert.True(samples.TryGetValue(name, out var sample), $"add a sample request for the function '{name}'");

            var kestrel = await client.SendAsync(sample());
            var expected = ((int)kestrel.StatusCode, kestrel.Content.Headers.ContentType?.MediaType, await kestrel.Content.ReadAsStringAsync());

            await using var scope = gateway.Services.CreateAsyncScope();
            var context = await FunctionRequests.ContextFor(sample(), scope.ServiceProvider);
            Assert.IsAssignableFrom<IActionResult>(await (Task<IActionResult>)method.Invoke(adapters, [context.Request])!);
            context.Response.Body.Position = 0;
            var actual = (context.Response.StatusCode, context.Response.ContentType?.Split(';')[0], await new StreamReader(context.Response.Body).ReadToEndAsync());

            Assert.True(expected == actual, $"{name}: Kestrel answered {expected}, the function {actual}");
        }
    }
}
