namespace Mirrorstage.Infrastructure.Telemetry;

/// <summary>Where traces, metrics and logs go, bound from "Mirrorstage:Telemetry". Nothing is exported unless
/// an exporter is chosen (the local mode's default).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Mirrorstage:Telemetry";

    /// <summary>"none" (default), "otlp" (any OpenTelemetry collector) or "azuremonitor" (Application Insights,
    /// with the connection string from APPLICATIONINSIGHTS_CONNECTION_STRING and an Entra token from the
    /// component's managed identity).</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>The collector's base address for "otlp" (http://collector:4318 for HTTP, :4317 for gRPC).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"http/protobuf" (default) or "grpc".</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>How often metrics are exported.</summary>
    public int MetricIntervalMilliseconds { get; set; } = 15000;

    public string? Problem() =>
        Exporter is not ("none" or "otlp" or "azuremonitor") ? $"Mirrorstage:Telemetry:Exporter must be none, otlp or azuremonitor, not '{Exporter}'."
        : Exporter == "otlp" && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _) ? "Mirrorstage:Telemetry:OtlpEndpoint must be an absolute URL with the otlp exporter."
        : OtlpProtocol is not ("http/protobuf" or "grpc") ? $"Mirrorstage:Telemetry:OtlpProtocol must be http/protobuf or grpc, not '{OtlpProtocol}'."
        : null;
}
