using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Functions.Api;

/// <summary>Who may touch a session. A wrong token never reveals whether a session id exists:
/// unknown token -> 401; a valid token for another session -> 404.</summary>
public static class SessionAccess
{
    public static async Task<SessionView> RequireOwnerAsync(HttpRequest request, IQuerySession db, string id, CancellationToken ct)
    {
        var token = BearerToken(request);
        var hash = TokenHashes.Of(token);
        var view = IsSessionId(id) ? await db.LoadAsync<SessionView>(id, ct) : null;
        if (view is not null && TokenHashes.Matches(token, view.TokenHash))
            return view;
        if (await db.Query<SessionView>().AnyAsync(v => v.TokenHash == hash, ct))
            throw ApiException.NotFound();
        throw ApiException.Unauthorized("invalid_token", "The bearer token is not valid for any session.");
    }

    public static async Task<SessionView> RequireShareAsync(IQuerySession db, string id, string? share, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(share))
            throw ApiException.Unauthorized("missing_share_token", "Pass the share token from the view_url as ?share=.");
        var view = IsSessionId(id) ? await db.LoadAsync<SessionView>(id, ct) : null;
        if (view is null || !view.ShareTokenHashes.Any(h => TokenHashes.Matches(share, h)))
            throw ApiException.Unauthorized("invalid_share_token", "The share token is not valid for this session.");
        return view;
    }

    private static string BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
            throw ApiException.Unauthorized("missing_token", "Send the session token as 'Authorization: Bearer sk_...'.");
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || header.Length > 512)
            throw ApiException.Unauthorized("invalid_token", "The Authorization header must be 'Bearer <token>'.");
        return header[prefix.Length..].Trim();
    }

    public static bool IsSessionId(string id) => id.Length == 36 && Guid.TryParse(id, out _);
}
