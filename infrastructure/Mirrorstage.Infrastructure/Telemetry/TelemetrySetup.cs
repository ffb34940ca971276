using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mirrorstage.Infrastructure.Telemetry;

public static class TelemetrySetup
{
    /// <summary>Traces (ASP.NET Core, HTTP clients, PostgreSQL, our spans), metrics (ours, ASP.NET Core, runtime)
    /// and logs, exported where Mirrorstage:Telemetry says; with the default "none" nothing is registered.</summary>
    /// <returns>Whether telemetry is exported (so callers add what only exporting needs).</returns>
    public static bool AddMirrorstageTelemetry(this IServiceCollection services, IConfiguration config, string serviceName)
    {
        var options = config.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.Problem() is { } problem) throw new InvalidOperationException(problem);
        if (options.Exporter == "none") return false;
        services.AddSingleton(options);

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithTracing(t => t.AddSource(MirrorstageTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql())
            .WithMetrics(m => m.AddMeter(MirrorstageTelemetry.Meters).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation())
            .WithLogging();
        services.Configure<OpenTelemetryLoggerOptions>(o => { o.IncludeScopes = true; o.IncludeFormattedMessage = true; });
        services.Configure<MetricReaderOptions>(r => r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricIntervalMilliseconds);

        if (options.Exporter == "otlp")
        {
            otel.UseOtlpExporter(options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
                new Uri(options.OtlpEndpoint!));
            return true;
        }
        // Application Insights with local auth disabled: the managed identity (AZURE_CLIENT_ID) signs each export.
        var connection = config["APPLICATIONINSIGHTS_CONNECTION_STRING"]
            ?? throw new InvalidOperationException("APPLICATIONINSIGHTS_CONNECTION_STRING is not set (the azuremonitor exporter needs it).");
        var credential = new DefaultAzureCredential();
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddAzureMonitorTraceExporter(o => { o.ConnectionString = connection; o.Credential = credential; }));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddAzureMonitorMetricExporter(o => { o.ConnectionString = connection; o.Credential = credential; }));
        services.ConfigureOpenTelemetryLoggerProvider(l => l.AddAzureMonitorLogExporter(o => { o.ConnectionString = connection; o.Credential = credential; }));
        return true;
    }
}
