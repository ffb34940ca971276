using Marten;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Sessions;

/// <summary>GET /v1/sessions/{id}: poll until "active".</summary>
public static class GetSession
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/sessions/{id}", async (
        string id, HttpRequest request, IQuerySession db, SessionResponses responses, CancellationToken ct) =>
    {
        var view = await SessionAccess.RequireOwnerAsync(request, db, id, ct);
        return Results.Json(responses.Status(request, view), AppJson.Options);
    });
}
