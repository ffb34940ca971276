using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>Fetches a file of the HLS preview from the replica rendering the session, for a player whose request
/// reached another replica behind the same ingress. The owner checks the share token again and rewrites the
/// playlist itself; its answer, refusals included, is passed on as it is.</summary>
public static class PreviewRelay
{
    private static readonly HttpClient Owners = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The owner's answer, or null when the session is not rendered by another live replica or it could not be reached.</summary>
    public static async Task<IResult?> TryFetchFromOwnerAsync(HttpContext http, SessionView view, string self, IDocumentStore store, TimeProvider clock)
    {
        if (await OwnerReplica.FindAsync(http, view, self, store, clock) is not { } ownerUrl) return null;
        using var request = new HttpRequestMessage(HttpMethod.Get, ownerUrl + http.Request.Path + http.Request.QueryString);
        request.Headers.Add(OwnerReplica.ForwardedHeader, "1");
        try
        {
            using var response = await Owners.SendAsync(request, http.RequestAborted);
            var type = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
            if (!response.IsSuccessStatusCode)
                return Results.Content(await response.Content.ReadAsStringAsync(http.RequestAborted), type, statusCode: (int)response.StatusCode);
            return Results.Bytes(await response.Content.ReadAsByteArrayAsync(http.RequestAborted), type);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
