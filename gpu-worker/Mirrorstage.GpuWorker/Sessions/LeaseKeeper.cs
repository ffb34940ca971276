using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>Keeps this worker's lease fresh, and watches everyone else's: a live session whose worker stopped
/// renewing is interrupted (SessionInterrupted) and re-queued for another worker to resume; a warming session
/// nobody claimed (its warm request was lost) is queued again.</summary>
public sealed class LeaseKeeper(
    IDocumentStore store, SessionStore sessions, IWarmQueue queue, IOptions<WorkerOptions> options, TimeProvider clock, ILogger<LeaseKeeper> log)
    : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _requeued = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var period = TimeSpan.FromSeconds(o.LeaseSeconds / 3);
        // Renewal runs on its own: a slow reaping round must never let this worker's own lease lapse.
        var renew = EveryAsync(period, ct => RenewAsync(o, ct), "Lease renewal", stoppingToken);
        var reap = o.ReapOrphans ? EveryAsync(period, ct => ReapAsync(o, ct), "Reaping", stoppingToken) : Task.CompletedTask;
        return Task.WhenAll(renew, reap);
    }

    private async Task EveryAsync(TimeSpan period, Func<CancellationToken, Task> round, string what, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await round(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "{What} failed; retrying", what);
            }
            await Task.Delay(period, stoppingToken);
        }
    }

    private async Task RenewAsync(WorkerOptions o, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store(new WorkerLease { Id = o.WorkerId, InternalUrl = o.InternalUrl, RenewedAt = now, ExpiresAt = now.AddSeconds(o.LeaseSeconds) });
        await session.SaveChangesAsync(ct);
    }

    private async Task ReapAsync(WorkerOptions o, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var query = store.QuerySession();
        var live = await query.Query<SessionView>()
            .Where(v => v.Status == SessionStatus.Active && v.InterruptedAt == null && v.ClaimedBy != o.WorkerId)
            .ToListAsync(ct);
        var owners = live.Select(v => v.ClaimedBy!).Distinct().ToArray();
        var leases = owners.Length == 0 ? [] : (await query.LoadManyAsync<WorkerLease>(ct, owners)).ToDictionary(l => l.Id);

        foreach (var v in live)
        {
            var lease = leases.GetValueOrDefault(v.ClaimedBy!);
            if (lease is not null && lease.ExpiresAt > now) continue;
            // No lease on record yet: a worker that just started may claim before its first renewal lands.
            if (lease is null && v.ClaimedAt > now.AddSeconds(-o.LeaseSeconds)) continue;
            var lostAt = lease?.ExpiresAt ?? now;
            if ((await sessions.InterruptAsync(v.Id, v.ClaimedBy!, lostAt, ct)).Length == 0) continue;
            log.LogWarning("Worker {Worker} lost (lease renewed {RenewedAt:O}, expired {ExpiresAt:O}, now {Now:O}); session {SessionId} interrupted and re-queued",
                v.ClaimedBy, lease?.RenewedAt, lease?.ExpiresAt, now, v.Id);
            await queue.SendAsync(new WarmSession(v.Id, now), ct);
        }

        var cutoff = now.AddSeconds(-o.UnclaimedRequeueSeconds); // computed here: Marten cannot translate arithmetic inside the query
        var unclaimed = await query.Query<SessionView>()
            .Where(v => v.Status == SessionStatus.Warming && v.ClaimedBy == null && v.CreatedAt < cutoff)
            .Take(20).ToListAsync(ct);
        foreach (var v in unclaimed)
        {
            if (_requeued.TryGetValue(v.Id, out var last) && now - last < TimeSpan.FromMinutes(1)) continue;
            _requeued[v.Id] = now;
            await queue.SendAsync(new WarmSession(v.Id, now), ct);
        }
        foreach (var old in _requeued.Where(kv => now - kv.Value > TimeSpan.FromMinutes(5)).Select(kv => kv.Key).ToList())
            _requeued.Remove(old);
    }
}
