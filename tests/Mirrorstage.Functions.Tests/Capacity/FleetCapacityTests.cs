using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Health;

namespace Mirrorstage.Functions.Tests.Capacity;

/// <summary>Given the fleet's leases, claims, waiting sessions and holds, then the capacity the gateway reads.</summary>
public class FleetCapacityTests
{
    private static readonly CapacityOptions Fixed = new() { ScaleOutHeadroom = 0, WarmStartSeconds = 4, ColdStartSeconds = 90 };

    private static WorkerLease Lease(string id, int slots, int free) => new() { Id = id, RenderSlots = slots, FreeSlots = free };

    private static CapacityReading Read(CapacityOptions o, int waiting = 0, int holds = 0, Dictionary<string, int>? claims = null, params WorkerLease[] leases) =>
        FleetCapacity.Read(new FleetState(leases, claims ?? [], waiting, holds), o);

    [Fact]
    public void Free_slots_are_summed_over_the_live_workers()
    {
        var reading = Read(Fixed, leases: [Lease("a", 4, 3), Lease("b", 2, 2)]);
        Assert.Equal(5, reading.FreeSlots);
        Assert.True(reading.Available);
        Assert.Equal(4, reading.EstimatedReadySeconds);
    }

    [Fact]
    public void No_live_worker_and_no_headroom_is_no_capacity()
    {
        var reading = Read(Fixed);
        Assert.False(reading.Available);
        Assert.Equal(0, reading.FreeSlots + reading.ScaleOutSlots);
    }

    [Fact]
    public void A_claim_the_lease_does_not_show_yet_still_takes_its_slot()
    {
        // The lease was renewed before the claim: it still says 2 free of 2.
        var reading = Read(Fixed, claims: new() { ["a"] = 2 }, leases: [Lease("a", 2, 2)]);
        Assert.False(reading.Available);
    }

    [Fact]
    public void Waiting_sessions_and_holds_take_free_slots()
    {
        Assert.Equal(1, Read(Fixed, waiting: 2, holds: 1, leases: [Lease("a", 4, 4)]).FreeSlots);
        Assert.False(Read(Fixed, waiting: 3, holds: 1, leases: [Lease("a", 4, 4)]).Available);
    }

    [Fact]
    public void A_fleet_with_a_replica_ceiling_offers_only_the_replicas_it_has_not_started()
    {
        var ceiling = new CapacityOptions { MaxFleetSlots = 8, WarmStartSeconds = 4, ColdStartSeconds = 90 };
        Assert.Equal(8, Read(ceiling).ScaleOutSlots); // nothing running: every replica can still start
        Assert.Equal(4, Read(ceiling, leases: [Lease("a", 4, 4)]).ScaleOutSlots);

        var full = Read(ceiling, leases: [Lease("a", 4, 0), Lease("b", 4, 1)]); // both replicas already run
        Assert.Equal((1, 0), (full.FreeSlots, full.ScaleOutSlots));
        Assert.False(Read(ceiling, waiting: 1, leases: [Lease("a", 4, 0), Lease("b", 4, 1)]).Available);
    }

    [Fact]
    public void Beyond_the_free_slots_an_autoscaled_fleet_takes_sessions_at_the_cold_start()
    {
        var scaling = new CapacityOptions { ScaleOutHeadroom = 3, WarmStartSeconds = 4, ColdStartSeconds = 90 };
        var warm = Read(scaling, leases: [Lease("a", 2, 1)]);
        Assert.Equal((1, 3, 4), (warm.FreeSlots, warm.ScaleOutSlots, warm.EstimatedReadySeconds));

        var cold = Read(scaling, waiting: 2, leases: [Lease("a", 2, 1)]); // one more than the free slot waits
        Assert.Equal((0, 2, 90), (cold.FreeSlots, cold.ScaleOutSlots, cold.EstimatedReadySeconds));
        Assert.True(cold.Available);

        Assert.False(Read(scaling, waiting: 4, leases: [Lease("a", 2, 1)]).Available);
    }
}
