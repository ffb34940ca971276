using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>Keeps this worker's lease fresh, and watches everyone else's: a live session whose worker stopped
/// renewing is interrupted (SessionInterrupted) and re-queued for another worker to resume (again each minute
/// until one does, or it is given up after ResumeWithinSeconds); a warming session nobody claimed (its warm
/// request was lost) is queued again, and given up after AbandonUnclaimedSeconds. The lease carries this
/// worker's free render slots (none once it starts stopping), which the gateway sums before taking a session.
/// Reaping runs on one worker at a time (<see cref="SingleOwner"/>); every worker renews its own lease.</summary>
public sealed class LeaseKeeper(
    IDocumentStore store, SessionStore sessions, IWarmQueue queue, IOptions<WorkerOptions> options, TimeProvider clock,
    IServiceProvider services, ILogger<LeaseKeeper> log)
    : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _requeued = [];
    private Messaging.WarmRequestConsumer? _consumer;

    /// <summary>The first lease is written before the host starts serving, so the fleet's capacity is known
    /// from this worker's first request on (all-in-one mode, a new replica).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RenewAsync(options.Value, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "First lease renewal failed; retrying");
        }
        await base.StartAsync(cancellationToken);
    }

    /// <summary>A stopping worker takes no new sessions: its lease says so at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await RenewAsync(options.Value, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not publish the stopping worker's lease");
        }
    }

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
        session.Store(new WorkerLease
        {
            Id = o.WorkerId, InternalUrl = o.InternalUrl, RenewedAt = now, ExpiresAt = now.AddSeconds(o.LeaseSeconds),
            RenderSlots = o.RenderSlots, FreeSlots = Consumer().FreeSlots,
        });
        await session.SaveChangesAsync(ct);
    }

    private Messaging.WarmRequestConsumer Consumer() =>
        _consumer ??= services.GetServices<IHostedService>().OfType<Messaging.WarmRequestConsumer>().Single();

    private async Task ReapAsync(WorkerOptions o, CancellationToken ct)
    {
        await using var turn = await SingleOwner.TryTakeAsync(store, SingleOwner.Reapers, ct);
        if (turn is null) return; // another worker is reaping this round
        var now = clock.GetUtcNow();
        var resumeBefore = now.AddSeconds(-o.ResumeWithinSeconds);
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
            log.LogWarning("Worker {Worker} lost (lease renewed {RenewedAt:O}, expired {ExpiresAt:O}, now {Now:O}); session {SessionId} interrupted",
                v.ClaimedBy, lease?.RenewedAt, lease?.ExpiresAt, now, v.Id);
            if (lostAt < resumeBefore) continue; // lost too long ago to resume: given up just below
            await queue.SendAsync(new WarmSession(v.Id, now), ct);
            _requeued[v.Id] = now;
        }

        var waiting = await query.Query<SessionView>()
            .Where(v => v.Status == SessionStatus.Active && v.InterruptedAt != null)
            .OrderBy(v => v.InterruptedAt).Take(50).ToListAsync(ct);
        foreach (var v in waiting)
        {
            if (v.InterruptedAt < resumeBefore)
            {
                var refunded = await SessionFailures.AbandonLostAsync(store, v.Id, now, ct);
                log.LogWarning("Session {SessionId} was not resumed within {Seconds} s of losing its worker: ended, {Refund} refunded as credit", v.Id, o.ResumeWithinSeconds, refunded);
            }
            else if (Due(v.Id, now)) await queue.SendAsync(new WarmSession(v.Id, now), ct);
        }

        // Cut-offs computed here: Marten cannot translate arithmetic inside the query.
        var (requeueBefore, abandonBefore) = (now.AddSeconds(-o.UnclaimedRequeueSeconds), now.AddSeconds(-o.AbandonUnclaimedSeconds));
        var dueBefore = requeueBefore > abandonBefore ? requeueBefore : abandonBefore; // whichever comes first
        var unclaimed = await query.Query<SessionView>()
            .Where(v => v.Status == SessionStatus.Warming && v.ClaimedBy == null && v.CreatedAt < dueBefore)
            .OrderBy(v => v.CreatedAt).Take(50).ToListAsync(ct);
        foreach (var v in unclaimed)
        {
            if (v.CreatedAt < abandonBefore)
            {
                var refunded = await SessionFailures.FailAsync(store, v.Id, "no_worker_available", now, ct,
                    onlyIf: s => s is { Status: SessionStatus.Warming, ClaimedBy: null });
                log.LogWarning("Session {SessionId} was never claimed in {Seconds} s: failed, {Refund} refunded as credit", v.Id, o.AbandonUnclaimedSeconds, refunded);
                continue;
            }
            if (Due(v.Id, now)) await queue.SendAsync(new WarmSession(v.Id, now), ct);
        }
        foreach (var old in _requeued.Where(kv => now - kv.Value > TimeSpan.FromMinutes(5)).Select(kv => kv.Key).ToList())
            _requeued.Remove(old);
    }

    /// <summary>At most one re-queue a minute per session: a slow resume must not pile up requests.</summary>
    private bool Due(string id, DateTimeOffset now)
    {
        if (_requeued.TryGetValue(id, out var last) && now - last < TimeSpan.FromMinutes(1)) return false;
        _requeued[id] = now;
        return true;
    }
}
