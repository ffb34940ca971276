using System.Collections.Concurrent;
using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.Functions.Health;

/// <summary>Sessions by status (warming, active, ended, failed) as a gauge: counted from the read model every
/// metric export interval by the gateway, so a dashboard shows the fleet's load and its failures without querying
/// the store.</summary>
public sealed class SessionStatusMetrics(IDocumentStore store, TelemetryOptions telemetry, ILogger<SessionStatusMetrics> log) : BackgroundService
{
    private static readonly ConcurrentDictionary<SessionStatus, long> Counts = new();

    static SessionStatusMetrics() => MirrorstageTelemetry.Meter.CreateObservableGauge("mirrorstage.sessions", () =>
        Counts.Select(c => new System.Diagnostics.Metrics.Measurement<long>(c.Value,
            new KeyValuePair<string, object?>("mirrorstage.session.status", c.Key.ToString().ToLowerInvariant()))),
        "{session}", "Sessions in each status.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = store.QuerySession();
                foreach (var status in Enum.GetValues<SessionStatus>())
                    Counts[status] = await session.Query<SessionView>().Where(v => v.Status == status).CountAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Counting sessions by status failed");
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(telemetry.MetricIntervalMilliseconds), stoppingToken); } catch (OperationCanceledException) { }
        }
    }
}
