using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests;

/// <summary>The Azure Functions host only forwards routes that have a function.json: every HTTP endpoint
/// must have one, and no function.json may point at a route the app does not serve.</summary>
[Collection(GatewayCollection.Name)]
public class FunctionRoutesTests(FreeGateway gateway)
{
    private static readonly string ProjectDir = Path.Combine(TestEnvironment.RepoRoot, "functions", "Mirrorstage.Functions");

    [Fact]
    public void Every_endpoint_has_a_function_and_every_function_an_endpoint()
    {
        var endpoints = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => $"{m.ToUpperInvariant()} {e.RoutePattern.RawText!.Trim('/')}"))
            .ToHashSet();

        var functions = Directory.GetFiles(Path.Combine(ProjectDir, "FunctionRoutes"), "function.json", SearchOption.AllDirectories)
            .SelectMany(path =>
            {
                var trigger = JsonNode.Parse(File.ReadAllText(path))!["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "httpTrigger")!;
                Assert.Equal("anonymous", trigger["authLevel"]!.GetValue<string>());
                return trigger["methods"]!.AsArray().Select(m => $"{m!.GetValue<string>().ToUpperInvariant()} {trigger["route"]!.GetValue<string>()}");
            })
            .ToHashSet();

        Assert.NotEmpty(endpoints);
        Assert.Equal(endpoints.Order(), functions.Order());
    }

    [Fact]
    public void Host_json_forwards_requests_to_the_app_without_a_route_prefix()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(ProjectDir, "host.json")))!;
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        Assert.Equal("Mirrorstage.Functions", host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void The_build_output_has_each_function_folder_beside_host_json()
    {
        var output = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        Assert.True(File.Exists(Path.Combine(output, "host.json")));
        foreach (var dir in Directory.GetDirectories(Path.Combine(ProjectDir, "FunctionRoutes")))
            Assert.True(File.Exists(Path.Combine(output, Path.GetFileName(dir), "function.json")), Path.GetFileName(dir));
    }
}
