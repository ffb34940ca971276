using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Sessions;
using Mirrorstage.GpuWorker.Sessions;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>GET /preview/{id}/{file}?share=: the local HLS preview for holders of a share link. The playlist
/// is rewritten so each segment request carries the share token too.</summary>
public static partial class PreviewEndpoint
{
    [GeneratedRegex(@"^(index\.m3u8|index\d{1,9}\.ts)$")]
    private static partial Regex FileName();

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/preview/{id}/{file}", async (
        string id, string file, string? share, SessionStore sessions, IOptions<WorkerOptions> options, CancellationToken ct) =>
    {
        if (!FileName().IsMatch(file) || id.Length > 64 || id.Contains('/') || id.Contains(".."))
            return Results.Json(new { error = new { code = "not_found", message = "No such preview file." } }, statusCode: 404);
        var view = await sessions.ViewAsync(id, ct);
        if (view is null || string.IsNullOrEmpty(share) || !view.ShareTokenHashes.Any(h => TokenHashes.Matches(share, h)))
            return Results.Json(new { error = new { code = "invalid_share_token", message = "Open the preview through the session's view_url." } }, statusCode: 401);

        var path = Path.Combine(options.Value.PreviewFolder, id, file);
        if (!File.Exists(path))
            return Results.Json(new { error = new { code = "preview_not_ready", message = "The preview has not started yet; retry in a few seconds." } }, statusCode: 404);
        if (file.EndsWith(".ts", StringComparison.Ordinal))
            return Results.File(Path.GetFullPath(path), "video/mp2t");

        var playlist = await File.ReadAllLinesAsync(path, ct);
        var token = Uri.EscapeDataString(share);
        var rewritten = playlist.Select(line => line.EndsWith(".ts", StringComparison.Ordinal) ? $"{line}?share={token}" : line);
        return Results.Text(string.Join('\n', rewritten) + "\n", "application/vnd.apple.mpegurl");
    });
}
