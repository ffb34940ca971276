using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;

namespace Mirrorstage.Functions.Health;

/// <summary>Whether a new session can be served now, from the live fleet's leases and the store.</summary>
public interface IRenderCapacity
{
    Task<CapacityReading> ReadAsync(CancellationToken ct);

    /// <summary>Refuses with 503 no_capacity when nothing can take a session. With <paramref name="hold"/> it also
    /// holds a slot until the returned slot is disposed (after the session is recorded), so that concurrent
    /// creates cannot all take the last slot; without, it only checks (a 402 probe takes nothing).</summary>
    Task<RenderSlot> ReserveAsync(bool hold, CancellationToken ct);
}

public sealed class StoreCapacity(IDocumentStore store, IOptions<CapacityOptions> options, TimeProvider clock, ILogger<StoreCapacity> log)
    : IRenderCapacity
{
    /// <summary>One advisory lock serialises reservations across gateway replicas.</summary>
    private const long LockKey = 0x6d73_6361_7061; // "mscapa"

    public async Task<CapacityReading> ReadAsync(CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return FleetCapacity.Read(await StateAsync(query, ct), options.Value);
    }

    public async Task<RenderSlot> ReserveAsync(bool hold, CancellationToken ct)
    {
        if (!hold)
        {
            var reading = await ReadAsync(ct);
            return reading.Available ? new RenderSlot(null, reading.EstimatedReadySeconds, this) : throw NoCapacity();
        }

        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await using (var lockCommand = session.Connection!.CreateCommand())
        {
            lockCommand.CommandText = $"select pg_advisory_xact_lock({LockKey})";
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        var state = FleetCapacity.Read(await StateAsync(session, ct), options.Value);
        if (!state.Available) throw NoCapacity();
        var id = Guid.NewGuid().ToString("N");
        session.DeleteWhere<CapacityHold>(h => h.ExpiresAt < now);
        session.Insert(new CapacityHold { Id = id, ExpiresAt = now.AddSeconds(options.Value.HoldSeconds) });
        await session.SaveChangesAsync(ct); // commits, and so releases the lock
        return new RenderSlot(id, state.EstimatedReadySeconds, this);
    }

    internal async Task ReleaseAsync(string holdId)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Delete<CapacityHold>(holdId);
            await session.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not release capacity hold {Hold}; it lapses by itself", holdId);
        }
    }

    private async Task<FleetState> StateAsync(IQuerySession query, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var waitingSince = now.AddSeconds(-options.Value.WaitingSessionSeconds);
        var leases = await query.Query<WorkerLease>().Where(l => l.ExpiresAt > now).ToListAsync(ct);
        var claims = await query.Query<SessionView>()
            .Where(v => v.ClaimedBy != null && v.InterruptedAt == null && (v.Status == SessionStatus.Warming || v.Status == SessionStatus.Active))
            .Select(v => v.ClaimedBy!).ToListAsync(ct);
        var unclaimed = await query.Query<SessionView>()
            .CountAsync(v => v.Status == SessionStatus.Warming && v.ClaimedBy == null && v.CreatedAt > waitingSince, ct);
        var interrupted = await query.Query<SessionView>()
            .CountAsync(v => v.Status == SessionStatus.Active && v.InterruptedAt != null && v.InterruptedAt > waitingSince, ct);
        var holds = await query.Query<CapacityHold>().CountAsync(h => h.ExpiresAt > now, ct);
        return new FleetState(leases, claims.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count()), unclaimed + interrupted, holds);
    }

    private static ApiException NoCapacity() => new(503, "no_capacity",
        "No render capacity is free right now; nothing was charged. Retry shortly.",
        new Dictionary<string, string> { ["Retry-After"] = "30" });
}

/// <summary>A create's place in the fleet from before its payment until its session is recorded.</summary>
public sealed class RenderSlot(string? holdId, int estimatedReadySeconds, StoreCapacity capacity) : IAsyncDisposable
{
    public int EstimatedReadySeconds { get; } = estimatedReadySeconds;

    public async ValueTask DisposeAsync()
    {
        if (holdId is not null) await capacity.ReleaseAsync(holdId);
    }
}

/// <summary>One create between its capacity check and its recorded session.</summary>
public sealed class CapacityHold
{
    public string Id { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

public static class CapacityServices
{
    public static void AddRenderCapacity(this IServiceCollection services)
    {
        services.AddOptions<CapacityOptions>().BindConfiguration(CapacityOptions.Section)
            .Validate(o => o.ScaleOutHeadroom >= 0 && o.WarmStartSeconds >= 0 && o.ColdStartSeconds >= 0 && o.HoldSeconds > 0,
                "Mirrorstage:Capacity: ScaleOutHeadroom, WarmStartSeconds and ColdStartSeconds >= 0, HoldSeconds > 0.")
            .ValidateOnStart();
        services.ConfigureMarten(o => o.Schema.For<CapacityHold>());
        services.AddSingleton<StoreCapacity>();
        services.AddSingleton<IRenderCapacity>(sp => sp.GetRequiredService<StoreCapacity>());
    }
}
