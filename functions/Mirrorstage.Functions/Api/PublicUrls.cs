using Microsoft.Extensions.Options;

namespace Mirrorstage.Functions.Api;

/// <summary>The absolute URLs the API hands out.</summary>
public sealed class PublicUrls(IOptions<GatewayOptions> options, SessionTokens tokens)
{
    /// <summary>PublicBaseUrl, or the request's own scheme and host where it is unset (or set empty, as an
    /// environment variable often is).</summary>
    public string Base(HttpRequest request) =>
        (Set(options.Value.PublicBaseUrl) ?? $"{request.Scheme}://{request.Host}").TrimEnd('/');

    public string Status(HttpRequest request, string id) => $"{Base(request)}/v1/sessions/{id}";

    public string View(HttpRequest request, string id, int shareNumber) =>
        $"{Base(request)}/view/{id}?share={tokens.ShareToken(id, shareNumber)}";

    /// <summary>The HLS preview, served by the worker fleet (the gateway's own host when they share one).</summary>
    public string HlsPreview(HttpRequest request, string id, string share) =>
        $"{SwapScheme(WorkerSocketBase(request), "wss://", "https://", "ws://", "http://")}/preview/{id}/index.m3u8?share={Uri.EscapeDataString(share)}";

    /// <summary>The low-latency preview: fragmented MP4 over a WebSocket from the worker fleet.</summary>
    public string LivePreview(HttpRequest request, string id, string share) =>
        $"{WorkerSocketBase(request)}/preview/{id}/live?share={Uri.EscapeDataString(share)}";

    public string WebSocket(HttpRequest request, string id) =>
        $"{WorkerSocketBase(request)}/v1/sessions/{id}/stream?token={tokens.SessionToken(id)}";

    /// <summary>ws(s):// base of the worker fleet: WebSocketBaseUrl, else the public base with its scheme swapped.</summary>
    private string WorkerSocketBase(HttpRequest request) =>
        Set(options.Value.WebSocketBaseUrl)?.TrimEnd('/') ?? SwapScheme(Base(request), "https://", "wss://", "http://", "ws://");

    private static string? Set(string? url) => string.IsNullOrWhiteSpace(url) ? null : url;

    private static string SwapScheme(string url, string secureFrom, string secureTo, string plainFrom, string plainTo) =>
        url.StartsWith(secureFrom, StringComparison.OrdinalIgnoreCase) ? secureTo + url[secureFrom.Length..]
        : url.StartsWith(plainFrom, StringComparison.OrdinalIgnoreCase) ? plainTo + url[plainFrom.Length..] : url;
}
