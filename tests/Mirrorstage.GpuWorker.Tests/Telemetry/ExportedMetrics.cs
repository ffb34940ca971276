using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Infrastructure.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Mirrorstage.GpuWorker.Tests.Telemetry;

/// <summary>The metrics the production telemetry setup (TelemetrySetup, OTLP chosen) would export, caught by a
/// reader of the test's own beside the OTLP one: what a collector would be sent, read on demand.</summary>
public sealed class ExportedMetrics : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterProvider _provider;
    private readonly Collector _collector = new();

    public ExportedMetrics()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mirrorstage:Telemetry:Exporter"] = "otlp",
            ["Mirrorstage:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9", // nothing listens: only our reader matters
            ["Mirrorstage:Telemetry:MetricIntervalMilliseconds"] = "3600000",
        }).Build();
        var services = new ServiceCollection();
        services.AddMirrorstageTelemetry(config, "telemetry-test");
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddReader(new BaseExportingMetricReader(_collector)));
        _services = services.BuildServiceProvider();
        _provider = _services.GetRequiredService<MeterProvider>();
    }

    /// <summary>Each exported metric's points after a collection: its tags and its value (a counter's sum, a
    /// gauge's last value, a histogram's count).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(IReadOnlyDictionary<string, object?> Tags, double Value)>> Collect()
    {
        _collector.Batch.Clear();
        _provider.ForceFlush();
        return _collector.Batch.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(IReadOnlyDictionary<string, object?>, double)>)kv.Value);
    }

    public void Dispose()
    {
        _services.Dispose();
        _collector.Dispose();
    }

    private sealed class Collector : BaseExporter<Metric>
    {
        public Dictionary<string, List<(IReadOnlyDictionary<string, object?>, double)>> Batch { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                var points = new List<(IReadOnlyDictionary<string, object?>, double)>();
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, object?>();
                    foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
                    points.Add((tags, Value(metric.MetricType, point)));
                }
                Batch[metric.Name] = points;
            }
            return ExportResult.Success;
        }

        private static double Value(MetricType type, in MetricPoint point) => type switch
        {
            MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
            MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
            MetricType.LongGauge => point.GetGaugeLastValueLong(),
            MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
            _ => point.GetHistogramCount(),
        };
    }
}
