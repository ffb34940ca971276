using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>What the payment instruments (payments by outcome, settlement duration) measure while this listens.</summary>
public sealed class PaymentMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentBag<(string Instrument, double Value, string? Outcome)> _measured = [];

    public PaymentMeasurements()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MirrorstageTelemetry.Name && instrument.Name is "mirrorstage.payments" or "mirrorstage.settlement.duration")
                l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Keep(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Keep(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyCollection<(string Instrument, double Value, string? Outcome)> Measured => _measured;

    private void Keep(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? outcome = null;
        foreach (var t in tags) if (t.Key == "outcome") outcome = t.Value as string;
        _measured.Add((i.Name, v, outcome));
    }

    public void Dispose() => _listener.Dispose();
}
