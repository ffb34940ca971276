using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;
using Cmd = Mirrorstage.Events.Sessions.EndSession;

namespace Mirrorstage.Functions.Sessions;

/// <summary>DELETE /v1/sessions/{id}: end now. The worker follows the store and releases the GPU at once.</summary>
public static class EndSession
{
    public sealed record Response(string SessionId, string Status, long GpuSecondsUsed);

    public static void Map(IEndpointRouteBuilder app) => app.MapDelete("/v1/sessions/{id}", async (
        string id, HttpRequest request, IQuerySession db, IDocumentStore store, TimeProvider clock, CancellationToken ct) =>
    {
        await SessionAccess.RequireOwnerAsync(request, db, id, ct);
        await SessionWrites.DecideAndAppendAsync(store, id,
            s => SessionDecider.Decide(s, new Cmd("client", "deleted", clock.GetUtcNow())), null, ct);
        await using var query = store.QuerySession();
        var view = await query.LoadAsync<SessionView>(id, ct) ?? throw ApiException.NotFound();
        return Results.Json(new Response(id, SessionResponses.StatusName(view.Status), view.GpuSecondsUsed ?? 0), AppJson.Options);
    });
}
