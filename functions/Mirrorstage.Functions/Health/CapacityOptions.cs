namespace Mirrorstage.Functions.Health;

/// <summary>How the gateway judges render capacity, bound from "Mirrorstage:Capacity". The fleet's free slots
/// come from the workers' leases; these settings say what else counts.</summary>
public sealed class CapacityOptions
{
    public const string Section = "Mirrorstage:Capacity";

    /// <summary>Sessions an autoscaled fleet can take beyond the live workers' free slots (replicas it will add
    /// when the queue grows). 0 for a fixed fleet: a session no live worker can take is refused.</summary>
    public int ScaleOutHeadroom { get; set; }

    /// <summary>The most render slots the fleet can have (max replicas x slots per replica). When set, the
    /// scale-out headroom is what the live workers leave of it, so a fleet already at its replica ceiling offers
    /// none; ScaleOutHeadroom is then not read. 0: not known, ScaleOutHeadroom is the headroom.</summary>
    public int MaxFleetSlots { get; set; }

    /// <summary>Slots an autoscaler can still add to a fleet whose live workers have these slots in all.</summary>
    public int HeadroomBeyond(int liveSlots) => MaxFleetSlots > 0 ? Math.Max(0, MaxFleetSlots - liveSlots) : ScaleOutHeadroom;

    /// <summary>estimated_ready_seconds when a live worker has a free slot.</summary>
    public int WarmStartSeconds { get; set; } = 5;

    /// <summary>estimated_ready_seconds when the session waits for a new replica (scale-out headroom).</summary>
    public int ColdStartSeconds { get; set; } = 120;

    /// <summary>Warming sessions not yet claimed, and live ones waiting for a new worker after a failover,
    /// count against the free slots for this long (the workers give them up after AbandonUnclaimedSeconds
    /// and ResumeWithinSeconds, 600 by default).</summary>
    public double WaitingSessionSeconds { get; set; } = 600;

    /// <summary>A create holds a slot from before its payment until its session is recorded; a hold left by a
    /// gateway that died mid-request lapses after this long.</summary>
    public double HoldSeconds { get; set; } = 120;
}
