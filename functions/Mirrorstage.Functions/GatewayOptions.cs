namespace Mirrorstage.Functions;

/// <summary>Gateway settings, bound from "Mirrorstage:Gateway".</summary>
public sealed class GatewayOptions
{
    public const string Section = "Mirrorstage:Gateway";

    /// <summary>Base of every URL handed to clients (https://render.example.com). Unset: taken from the request.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Base of websocket_url when the worker fleet has its own host (wss://stream.example.com). Unset: PublicBaseUrl as ws(s).</summary>
    public string? WebSocketBaseUrl { get; set; }

    /// <summary>HMAC key that session and share tokens are derived from: at least 32 random bytes (base64 or hex)
    /// when payments are on; see TokenSecret.</summary>
    public string TokenSecret { get; set; } = "";

    public string TermsVersion { get; set; } = "2026-11-01";

    /// <summary>Reverse proxies in front of a Kestrel gateway whose X-Forwarded-For and X-Forwarded-Proto are
    /// believed: addresses or CIDR networks ("10.0.0.0/8", "127.0.0.1"). Empty: those headers are ignored. See ProxyHeaders.</summary>
    public string[] TrustedProxies { get; set; } = [];
}

/// <summary>LiveKit output, bound from "Mirrorstage:LiveKit". Enabled when all three are set.</summary>
public sealed class LiveKitOptions
{
    public const string Section = "Mirrorstage:LiveKit";
    public string? Url { get; set; }
    public string? ApiKey { get; set; }
    public string? ApiSecret { get; set; }
    public int ViewerTokenMinutes { get; set; } = 360;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret);
}
