using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>Finds the replica rendering a session, for a request that reached another one behind the same ingress.</summary>
public static class OwnerReplica
{
    /// <summary>Set on a relayed request: the owner answers it itself and never relays it again.</summary>
    public const string ForwardedHeader = "X-Mirrorstage-Forwarded";

    /// <summary>The owner's internal base URL when the session is live on another replica with a live lease and this
    /// request was not relayed already; else null (the caller answers).</summary>
    public static async Task<string?> FindAsync(HttpContext http, SessionView view, string self, IDocumentStore store, TimeProvider clock)
    {
        if (view is not { Status: SessionStatus.Active, InterruptedAt: null, ClaimedBy: { } owner } || owner == self
            || http.Request.Headers.ContainsKey(ForwardedHeader))
            return null;
        await using var query = store.QuerySession();
        var lease = await query.LoadAsync<WorkerLease>(owner, http.RequestAborted);
        return lease?.InternalUrl is { } url && lease.ExpiresAt > clock.GetUtcNow() ? url.TrimEnd('/') : null;
    }
}
