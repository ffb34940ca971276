using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Mirrorstage.Functions.AzureFunctions;

/// <summary>The Azure Functions face of the gateway: one [Function] per route the slices map, each handing its
/// request to the slice's own endpoint. Adding a route is one method here with the slice's method and route
/// (a test compares the generated functions.metadata with the app's endpoints, so a missing one fails).</summary>
public sealed class GatewayFunctions(GatewayEndpoints gateway)
{
    private const AuthorizationLevel Anonymous = AuthorizationLevel.Anonymous;

    [Function("health")]
    public Task<IActionResult> Health([HttpTrigger(Anonymous, "get", Route = "health")] HttpRequest req) => gateway.RunAsync(req);

    [Function("tos")]
    public Task<IActionResult> Terms([HttpTrigger(Anonymous, "get", Route = "tos")] HttpRequest req) => gateway.RunAsync(req);

    [Function("sessions-create")]
    public Task<IActionResult> CreateSession([HttpTrigger(Anonymous, "post", Route = "v1/sessions")] HttpRequest req) => gateway.RunAsync(req);

    [Function("sessions-get")]
    public Task<IActionResult> GetSession([HttpTrigger(Anonymous, "get", Route = "v1/sessions/{id}")] HttpRequest req) => gateway.RunAsync(req);

    [Function("sessions-share")]
    public Task<IActionResult> ShareSession([HttpTrigger(Anonymous, "post", Route = "v1/sessions/{id}/share")] HttpRequest req) => gateway.RunAsync(req);

    [Function("sessions-extend")]
    public Task<IActionResult> ExtendSession([HttpTrigger(Anonymous, "post", Route = "v1/sessions/{id}/extend")] HttpRequest req) => gateway.RunAsync(req);

    [Function("sessions-end")]
    public Task<IActionResult> EndSession([HttpTrigger(Anonymous, "delete", Route = "v1/sessions/{id}")] HttpRequest req) => gateway.RunAsync(req);

    [Function("view-credentials")]
    public Task<IActionResult> ViewCredentials([HttpTrigger(Anonymous, "get", Route = "v1/view/{id}")] HttpRequest req) => gateway.RunAsync(req);

    [Function("view-page")]
    public Task<IActionResult> ViewPage([HttpTrigger(Anonymous, "get", Route = "view/{id}")] HttpRequest req) => gateway.RunAsync(req);

    [Function("view-script")]
    public Task<IActionResult> ViewScript([HttpTrigger(Anonymous, "get", Route = "view/assets/view.js")] HttpRequest req) => gateway.RunAsync(req);
}
