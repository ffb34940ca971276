using System.Net;
using Marten;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Viewing;

/// <summary>GET /view/{id}?share=: the player page for a share link (a browser tab, an OBS browser source).
/// The page fills the window with the video, has no controls, and reads its credentials and the session's
/// state from GET /v1/view/{id}. A bad share token gets the page with the message and no player.</summary>
public static class ViewPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/view/{id}", async (string id, string? share, IQuerySession db, CancellationToken ct) =>
        {
            try
            {
                await SessionAccess.RequireShareAsync(db, id, share, ct);
            }
            catch (ApiException e) when (e.Status == 401)
            {
                return Page(401, "This view link is not valid", "The share token is missing, mistyped or belongs to another session. Ask the session's owner for a new view link.", script: false);
            }
            return Page(200, "Mirrorstage", "Connecting…", script: true);
        });
        app.MapGet("/view/assets/view.js", () => ViewBundle.Exists
            ? Results.File(ViewBundle.Path, "text/javascript; charset=utf-8")
            : Infrastructure.Http.ErrorJson.Result(404, "not_found", "The view page's script was not built (run npm ci in web/)."));
    }

    private static IResult Page(int status, string title, string message, bool script) => Results.Content(
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>
          html,body{margin:0;height:100%;background:#000;overflow:hidden;font:16px/1.4 system-ui,sans-serif;color:#eee}
          video{position:fixed;inset:0;width:100%;height:100%;object-fit:contain;background:#000}
          #state{position:fixed;left:0;right:0;bottom:8%;text-align:center;text-shadow:0 1px 3px #000;pointer-events:none}
          #state:empty{display:none}
          #state b{display:block;font-size:1.4em}
        </style></head>
        <body data-state="{{(status == 200 ? "connecting" : "invalid")}}">
        <video id="video" autoplay playsinline disablepictureinpicture></video>
        <div id="state" role="status"><b>{{WebUtility.HtmlEncode(title == "Mirrorstage" ? "" : title)}}</b>{{WebUtility.HtmlEncode(message)}}</div>
        {{(script ? "<script src=\"/view/assets/view.js\"></script>" : "")}}
        </body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}

/// <summary>The page's script: web/ bundled with livekit-client by esbuild during the build, shipped beside the app.</summary>
public static class ViewBundle
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "wwwroot", "view.js");
    public static bool Exists => File.Exists(Path);
}
