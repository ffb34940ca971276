using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>What one tick of the frame clock tells the fleet's dashboards: a frame rendered, whether it missed its
/// slot, and how long the audio it carries waited since it arrived.</summary>
public static class FrameMetrics
{
    /// <summary>A frame clock starts: the late-frames series exists from here on, at 0 until a frame is late, so
    /// dashboards show a count rather than no data.</summary>
    public static void Started() => MirrorstageTelemetry.LateFrames.Add(0);

    public static void Record(TimeSpan untilNextSlot, IReadOnlyList<TimeSpan> audioLatencies)
    {
        MirrorstageTelemetry.FramesRendered.Add(1);
        if (untilNextSlot < TimeSpan.Zero) MirrorstageTelemetry.LateFrames.Add(1);
        foreach (var latency in audioLatencies) MirrorstageTelemetry.AudioToFrameLatency.Record(latency.TotalMilliseconds);
    }
}
