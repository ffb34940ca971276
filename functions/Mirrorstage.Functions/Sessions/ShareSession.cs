using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Sessions;

/// <summary>POST /v1/sessions/{id}/share: a new view-only link (browser player, OBS browser source).</summary>
public static class ShareSession
{
    public sealed record Response(string SessionId, string ShareUrl, string ViewUrl, string ShareKind);

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/sessions/{id}/share", async (
        string id, HttpRequest request, IQuerySession db, IDocumentStore store, SessionTokens tokens, PublicUrls urls,
        TimeProvider clock, CancellationToken ct) =>
    {
        await SessionAccess.RequireOwnerAsync(request, db, id, ct);
        var events = await SessionWrites.DecideAndAppendAsync(store, id,
            s => SessionDecider.Decide(s, new Events.Sessions.ShareSession(TokenHashes.Of(tokens.ShareToken(id, s.ShareCount + 1)), clock.GetUtcNow())),
            null, ct);
        var number = events.OfType<ShareLinkCreated>().Single().ShareNumber;
        var url = urls.View(request, id, number);
        return Results.Json(new Response(id, url, url, "view"), AppJson.Options);
    });
}
