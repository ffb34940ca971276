using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mirrorstage.Infrastructure.Telemetry;

/// <summary>Busy and free render slots, one pair of measurements per worker in this process (tagged with its id).</summary>
public static class RenderSlotGauge
{
    private static readonly ConcurrentDictionary<string, Func<(int Busy, int Free)>> Workers = new();

    static RenderSlotGauge()
    {
        MirrorstageTelemetry.Meter.CreateObservableGauge("mirrorstage.render_slots.busy", () => Measure(s => s.Busy), "{slot}", "Render slots rendering a session.");
        MirrorstageTelemetry.Meter.CreateObservableGauge("mirrorstage.render_slots.free", () => Measure(s => s.Free), "{slot}", "Render slots free to take a session.");
    }

    /// <summary>Reports a worker's slots until the returned handle is disposed.</summary>
    public static IDisposable Observe(string workerId, Func<(int Busy, int Free)> slots)
    {
        Workers[workerId] = slots;
        return new Removal(workerId);
    }

    private static IEnumerable<Measurement<int>> Measure(Func<(int Busy, int Free), int> pick) =>
        Workers.Select(w => new Measurement<int>(pick(w.Value()), new KeyValuePair<string, object?>("mirrorstage.worker.id", w.Key)));

    private sealed class Removal(string workerId) : IDisposable
    {
        public void Dispose() => Workers.TryRemove(workerId, out _);
    }
}
