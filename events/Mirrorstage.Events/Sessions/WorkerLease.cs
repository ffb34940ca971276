namespace Mirrorstage.Events.Sessions;

/// <summary>A worker's proof of life, renewed every few seconds. A live session whose worker's lease lapsed
/// is interrupted and re-queued; another worker resumes it. It also publishes the worker's render slots, which
/// the gateway sums over the live fleet before it takes a session (and its payment).</summary>
public sealed class WorkerLease
{
    public string Id { get; set; } = "";          // worker id
    public string? InternalUrl { get; set; }       // where the worker serves sockets, for forwarding
    public DateTimeOffset RenewedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int RenderSlots { get; set; }           // sessions it renders at once
    public int FreeSlots { get; set; }             // of those, free at renewal (0 while it stops)
}
