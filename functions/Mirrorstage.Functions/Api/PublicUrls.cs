using Microsoft.Extensions.Options;

namespace Mirrorstage.Functions.Api;

/// <summary>The absolute URLs the API hands out.</summary>
public sealed class PublicUrls(IOptions<GatewayOptions> options, SessionTokens tokens)
{
    public string Base(HttpRequest request) =>
        (options.Value.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}").TrimEnd('/');

    public string Status(HttpRequest request, string id) => $"{Base(request)}/v1/sessions/{id}";

    public string View(HttpRequest request, string id, int shareNumber) =>
        $"{Base(request)}/view/{id}?share={tokens.ShareToken(id, shareNumber)}";

    public string HlsPreview(HttpRequest request, string id, string share) =>
        $"{Base(request)}/preview/{id}/index.m3u8?share={Uri.EscapeDataString(share)}";

    public string WebSocket(HttpRequest request, string id)
    {
        var wsBase = options.Value.WebSocketBaseUrl?.TrimEnd('/');
        if (wsBase is null)
        {
            var http = Base(request);
            wsBase = http.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + http[8..]
                : http.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + http[7..] : http;
        }
        return $"{wsBase}/v1/sessions/{id}/stream?token={tokens.SessionToken(id)}";
    }
}
