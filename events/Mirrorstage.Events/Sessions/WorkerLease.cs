namespace Mirrorstage.Events.Sessions;

/// <summary>A worker's proof of life, renewed every few seconds. A live session whose worker's lease lapsed
/// is interrupted and re-queued; another worker resumes it.</summary>
public sealed class WorkerLease
{
    public string Id { get; set; } = "";          // worker id
    public string? InternalUrl { get; set; }       // where the worker serves sockets, for forwarding
    public DateTimeOffset RenewedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
