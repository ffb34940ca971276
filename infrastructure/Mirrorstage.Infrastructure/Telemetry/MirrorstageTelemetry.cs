using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mirrorstage.Infrastructure.Telemetry;

/// <summary>The one activity source and meter of gateway and worker, and the instruments dashboards read.</summary>
public static class MirrorstageTelemetry
{
    public const string Name = "Mirrorstage";

    /// <summary>Every meter of ours: this one and each component's own (the worker's "Mirrorstage.GpuWorker").</summary>
    public const string Meters = Name + "*";

    /// <summary>The attribute every span and measurement about one session carries.</summary>
    public const string SessionTag = "mirrorstage.session.id";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> FramesRendered = Meter.CreateCounter<long>(
        "mirrorstage.frames.rendered", "{frame}", "Video frames rendered and handed to an output.");

    public static readonly Counter<long> LateFrames = Meter.CreateCounter<long>(
        "mirrorstage.frames.late", "{frame}", "Frames finished after their slot on the 25 fps clock.");

    public static readonly Histogram<double> AudioToFrameLatency = Meter.CreateHistogram<double>(
        "mirrorstage.audio_to_frame.latency", "ms", "From an audio chunk's arrival to the first frame carrying it.");

    public static readonly Counter<long> Payments = Meter.CreateCounter<long>(
        "mirrorstage.payments", "{payment}", "Payment attempts by outcome (settled, refused, unknown, credit).");

    public static readonly Histogram<double> SettlementDuration = Meter.CreateHistogram<double>(
        "mirrorstage.settlement.duration", "ms", "Verify and settle through the network's facilitator or relayer.");

    /// <summary>Starts a span for one session, as a child of the trace context a message carried (W3C traceparent).</summary>
    public static Activity? StartSessionActivity(string name, string sessionId, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity(name, kind, parent);
        activity?.SetTag(SessionTag, sessionId);
        return activity;
    }

    /// <summary>Tags the current span (an HTTP request's, say) with the session it concerns.</summary>
    public static void TagSession(string sessionId) => Activity.Current?.SetTag(SessionTag, sessionId);
}
