using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Template;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.AzureFunctions;

/// <summary>The endpoints the slices map (<see cref="GatewayServices.MapGatewayEndpoints"/>), built once in the
/// Functions worker and run behind the same middleware as on Kestrel (<see cref="GatewayServices.UseGatewayMiddleware"/>). A function adapter hands its request
/// here; the slice's own request delegate (parameter binding included) answers it, so no endpoint exists twice.</summary>
public sealed class GatewayEndpoints
{
    private sealed record Route(RouteEndpoint Endpoint, TemplateMatcher Matcher, IReadOnlyList<string> Methods);

    private readonly IReadOnlyList<Route> _routes;
    private readonly RequestDelegate _pipeline;

    public GatewayEndpoints(IServiceProvider services)
    {
        var builder = new EndpointCollector(services);
        builder.MapGatewayEndpoints();
        _routes = [.. builder.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => new Route(e,
            new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!.TrimStart('/')), []),
            e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))];
        var app = new ApplicationBuilder(services);
        app.UseGatewayMiddleware();
        app.Run(context => context.GetEndpoint()!.RequestDelegate!(context));
        _pipeline = app.Build();
    }

    public IEnumerable<RouteEndpoint> Endpoints => _routes.Select(r => r.Endpoint);

    /// <summary>Routes the request as Kestrel would and lets the matched slice write the response.</summary>
    public async Task<IActionResult> RunAsync(HttpRequest request)
    {
        var context = request.HttpContext;
        var values = new RouteValueDictionary();
        var route = _routes.FirstOrDefault(r => r.Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase) && r.Matcher.TryMatch(request.Path, values));
        if (route is null)
        {
            await ErrorHandling.Write(context, 404, "not_found", "No such endpoint.");
            return new EmptyResult();
        }
        context.SetEndpoint(route.Endpoint);
        context.Request.RouteValues = values;
        await _pipeline(context);
        return new EmptyResult();
    }

    private sealed class EndpointCollector(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;
        public ICollection<EndpointDataSource> DataSources { get; } = [];
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
