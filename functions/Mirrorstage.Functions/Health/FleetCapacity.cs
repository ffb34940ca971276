using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Functions.Health;

/// <summary>What the store says about the fleet at one moment: the live workers' leases, the sessions each of
/// them has claimed and still runs, the sessions waiting for any worker, and the creates holding a slot.</summary>
public sealed record FleetState(
    IReadOnlyList<WorkerLease> LiveLeases,
    IReadOnlyDictionary<string, int> OpenClaims,
    int WaitingSessions,
    int Holds);

/// <summary>Free render slots now (on live workers), slots an autoscaler can still add, and the wait a new
/// session should expect.</summary>
public sealed record CapacityReading(int FreeSlots, int ScaleOutSlots, int EstimatedReadySeconds)
{
    public bool Available => FreeSlots + ScaleOutSlots > 0;
}

public static class FleetCapacity
{
    /// <summary>A worker's free slots are the fewer of what its lease says and what the store shows it running:
    /// a claim is in the store at once, the lease only at its next renewal, so neither can overcount.</summary>
    public static CapacityReading Read(FleetState state, CapacityOptions options)
    {
        var fleetFree = state.LiveLeases.Sum(l =>
            Math.Max(0, Math.Min(l.FreeSlots, l.RenderSlots - state.OpenClaims.GetValueOrDefault(l.Id))));
        var warm = fleetFree - state.WaitingSessions - state.Holds;
        var headroom = options.HeadroomBeyond(state.LiveLeases.Sum(l => l.RenderSlots));
        var scaleOut = Math.Max(0, headroom + Math.Min(0, warm));
        return new CapacityReading(Math.Max(0, warm), scaleOut, warm > 0 ? options.WarmStartSeconds : options.ColdStartSeconds);
    }
}
