using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>The worker's writes to a session stream: decide on the current state, append with optimistic
/// concurrency. Losing a race (another worker claimed first) is an answer, not an error.</summary>
public sealed class SessionStore(IDocumentStore store, TimeProvider clock)
{
    public Task<object[]> ClaimAsync(string id, string workerId, CancellationToken ct) =>
        DecideAsync(id, s => SessionDecider.Decide(s, new ClaimSession(workerId, clock.GetUtcNow())), ct);

    public Task<object[]> ActivateAsync(string id, string workerId, CancellationToken ct) =>
        DecideAsync(id, s => SessionDecider.Decide(s, new ActivateSession(workerId, clock.GetUtcNow())), ct);

    public Task<object[]> ExpireAsync(string id, CancellationToken ct) =>
        DecideAsync(id, s => SessionDecider.Decide(s, new ExpireSession(clock.GetUtcNow())), ct);

    public Task<object[]> InterruptAsync(string id, string lostWorkerId, DateTimeOffset lostAt, CancellationToken ct) =>
        DecideAsync(id, s => SessionDecider.Decide(s, new InterruptSession(lostWorkerId, lostAt)), ct);

    public Task<object[]> EndAsync(string id, string reason, CancellationToken ct) =>
        DecideAsync(id, s => SessionDecider.Decide(s, new EndSession("worker", reason, clock.GetUtcNow())), ct);

    public Task<object[]> RecordingStoredAsync(string id, string blobKey, long bytes, string workerId, CancellationToken ct) =>
        DecideUntilRecordedAsync(id, s => SessionDecider.Decide(s, new StoreRecording(blobKey, bytes, workerId, clock.GetUtcNow())), ct);

    /// <summary>Refusals (the session is over) surface as DomainException.</summary>
    public Task<object[]> ChangeReferenceAsync(string id, ReferenceImage reference, CancellationToken ct) =>
        DecideUntilRecordedAsync(id, s => SessionDecider.Decide(s, new ChangeReference(reference, clock.GetUtcNow())), ct);

    public async Task<SessionView?> ViewAsync(string id, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<SessionView>(id, ct);
    }

    /// <summary>One try: a concurrent append (another worker claimed first) means this decision lost.</summary>
    private async Task<object[]> DecideAsync(string id, Func<Session, object[]> decide, CancellationToken ct) =>
        await SessionStreams.DecideAndAppendAsync(store, id, decide, ct, attempts: 1) ?? [];

    /// <summary>For facts that must not be lost to a concurrent append (an extension, a share link, another
    /// worker's recording): decided again on the fresh state until they land.</summary>
    private async Task<object[]> DecideUntilRecordedAsync(string id, Func<Session, object[]> decide, CancellationToken ct) =>
        await SessionStreams.DecideAndAppendAsync(store, id, decide, ct) ?? [];
}
