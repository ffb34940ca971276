using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Sessions;
using Mirrorstage.GpuWorker.Sessions;
using Mirrorstage.Infrastructure.Http;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>GET /preview/{id}/{file}?share=: the local HLS preview for holders of a share link. The playlist
/// is rewritten so each segment request carries the share token too. A replica that does not render the session
/// fetches the file from the one that does.</summary>
public static partial class PreviewEndpoint
{
    [GeneratedRegex(@"^(index\.m3u8|index\d{1,9}\.ts)$")]
    private static partial Regex FileName();

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/preview/{id}/{file}", async (
        HttpContext http, string id, string file, string? share, SessionStore sessions, IOptions<WorkerOptions> options,
        Marten.IDocumentStore store, TimeProvider clock, CancellationToken ct) =>
    {
        if (!FileName().IsMatch(file) || id.Length > 64 || id.Contains('/') || id.Contains(".."))
            return ErrorJson.Result(404, "not_found", "No such preview file.");
        var view = await sessions.ViewAsync(id, ct);
        if (view is null || string.IsNullOrEmpty(share) || !view.ShareTokenHashes.Any(h => TokenHashes.Matches(share, h)))
            return ErrorJson.Result(401, "invalid_share_token", "Open the preview through the session's view_url.");

        var path = Path.Combine(options.Value.PreviewFolder, id, file);
        if (!File.Exists(path))
            // Rendered by another replica behind the same ingress: fetch the file from it.
            return await PreviewRelay.TryFetchFromOwnerAsync(http, view, options.Value.WorkerId, store, clock)
                   ?? ErrorJson.Result(404, "preview_not_ready", "The preview has not started yet; retry in a few seconds.");
        if (file.EndsWith(".ts", StringComparison.Ordinal))
            return Results.File(Path.GetFullPath(path), "video/mp2t");

        var playlist = await File.ReadAllLinesAsync(path, ct);
        var token = Uri.EscapeDataString(share);
        var rewritten = playlist.Select(line => line.EndsWith(".ts", StringComparison.Ordinal) ? $"{line}?share={token}" : line);
        return Results.Text(string.Join('\n', rewritten) + "\n", "application/vnd.apple.mpegurl");
    });
}
