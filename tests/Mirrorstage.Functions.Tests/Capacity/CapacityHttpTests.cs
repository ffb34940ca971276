using Marten;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.Capacity;

/// <summary>A paying gateway with a fixed fleet (no scale-out headroom), in a database of its own whose worker
/// leases each test writes: capacity is what the leases say.</summary>
public sealed class FixedFleetGateway() : GatewayFactory(
    new Dictionary<string, string?>(PaidGateway.Settings)
    {
        ["Mirrorstage:Capacity:ScaleOutHeadroom"] = "0",
        ["Mirrorstage:Capacity:WarmStartSeconds"] = "7",
    }, "mirrorstage_tests_capacity");

[Collection(GatewayCollection.Name)]
public class CapacityHttpTests(FixedFleetGateway gateway) : IClassFixture<FixedFleetGateway>
{
    private const string Payer = "0x00000000000000000000000000000000000000C1";
    private readonly HttpClient _client = gateway.CreateClient();

    private async Task FleetAsync(params (string Id, int Slots, int Free, double ExpiresInSeconds)[] workers)
    {
        await gateway.Store.Advanced.Clean.DeleteAllDocumentsAsync();
        await gateway.Store.Advanced.Clean.DeleteAllEventDataAsync();
        await using var session = gateway.Store.LightweightSession();
        var now = DateTimeOffset.UtcNow;
        foreach (var w in workers)
            session.Store(new WorkerLease { Id = w.Id, RenderSlots = w.Slots, FreeSlots = w.Free, RenewedAt = now, ExpiresAt = now.AddSeconds(w.ExpiresInSeconds) });
        await session.SaveChangesAsync();
        gateway.Facilitator.Reset();
    }

    private async Task<PaymentRequirements> RequirementsAsync() =>
        DecodeRequired(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)))).Accepts[0];

    [Fact]
    public async Task Health_reports_the_live_workers_free_slots_and_not_the_lapsed_ones()
    {
        await FleetAsync(("w1", 4, 3, 60), ("w2", 2, 1, 60), ("gone", 8, 8, -1));
        var health = await JsonAsync(await _client.GetAsync("/health"));
        Assert.True(health["available"]!.GetValue<bool>());
        Assert.Equal(4, health["free_slots"]!.GetValue<int>());
        Assert.Equal(7, health["estimated_ready_seconds"]!.GetValue<int>());

        await FleetAsync(("gone", 8, 8, -1));
        health = await JsonAsync(await _client.GetAsync("/health"));
        Assert.Equal("busy", health["status"]!.GetValue<string>());
        Assert.False(health["available"]!.GetValue<bool>());
        Assert.Equal(0, health["free_slots"]!.GetValue<int>());
    }

    [Fact]
    public async Task With_every_slot_busy_a_paid_create_gets_503_before_its_402()
    {
        await FleetAsync(("w1", 2, 0, 60));
        var response = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)));
        await AssertErrorAsync(response, 503, "no_capacity");
        Assert.False(response.Headers.Contains(X402Headers.PaymentRequired));
        Assert.Equal("30", response.Headers.RetryAfter!.ToString());
    }

    [Fact]
    public async Task Concurrent_creates_beyond_the_free_slots_get_503_before_any_402_or_settlement()
    {
        await FleetAsync(("w1", 2, 2, 60));
        var accepted = await RequirementsAsync();
        gateway.Facilitator.Reset();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(accepted, Payer)))));

        var statuses = responses.Select(r => (int)r.StatusCode).OrderBy(s => s).ToList();
        Assert.Equal([201, 201, 503, 503, 503, 503], statuses);
        foreach (var refused in responses.Where(r => (int)r.StatusCode == 503))
            await AssertErrorAsync(refused, 503, "no_capacity");
        Assert.Equal(2, gateway.Facilitator.Settles);
        Assert.Equal(2, gateway.Facilitator.Verifies);

        // The two sessions now wait for the two slots: the next create is refused before it is asked to pay.
        var probe = await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut)));
        await AssertErrorAsync(probe, 503, "no_capacity");
        await using var query = gateway.Store.QuerySession();
        Assert.Equal(2, await query.Query<SessionView>().CountAsync());
    }

    [Fact]
    public async Task A_free_slot_promises_the_warm_start()
    {
        await FleetAsync(("w1", 1, 1, 60));
        var created = await JsonAsync(await _client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut), Payment(await RequirementsAsync(), Payer))));
        Assert.Equal(7, created["estimated_ready_seconds"]!.GetValue<int>());
    }
}
