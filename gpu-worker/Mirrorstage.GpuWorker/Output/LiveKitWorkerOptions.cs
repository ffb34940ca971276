namespace Mirrorstage.GpuWorker.Output;

/// <summary>The worker's LiveKit settings, bound from "Mirrorstage:LiveKit" (the same section the gateway reads,
/// so one configuration serves both). Url/ApiKey/ApiSecret are needed for gateway-owned rooms only; a caller's
/// room comes with the caller's token.</summary>
public sealed class LiveKitWorkerOptions
{
    public const string Section = "Mirrorstage:LiveKit";
    public string? Url { get; set; }
    public string? ApiKey { get; set; }
    public string? ApiSecret { get; set; }

    /// <summary>The publisher program (livekit-publisher/src/main.js). Unset: found beside the worker or in the repository.</summary>
    public string? PublisherScript { get; set; }
    public string NodePath { get; set; } = "node";

    /// <summary>How long joining the room may take before the session fails (and is refunded).</summary>
    public double ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>How long a dropped connection may take to come back before the session fails.</summary>
    public double ReconnectGraceSeconds { get; set; } = 10;

    public bool GatewayRoomsEnabled => !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret);

    /// <exception cref="PublisherMissing">The configured program does not exist, or none was found.</exception>
    public string ResolvePublisherScript()
    {
        if (!string.IsNullOrWhiteSpace(PublisherScript))
            return File.Exists(PublisherScript) ? PublisherScript : throw new PublisherMissing($"The LiveKit publisher {PublisherScript} does not exist.");
        var beside = Path.Combine(AppContext.BaseDirectory, "livekit-publisher", "src", "main.js");
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "gpu-worker", "livekit-publisher", "src", "main.js");
            if (File.Exists(candidate)) return candidate;
        }
        throw new PublisherMissing("The LiveKit publisher was not found: set Mirrorstage:LiveKit:PublisherScript.");
    }
}
