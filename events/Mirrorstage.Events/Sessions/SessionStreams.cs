using JasperFx;
using JasperFx.Events;
using Marten;

namespace Mirrorstage.Events.Sessions;

/// <summary>The one decide-append loop for a session stream: fetch for writing (optimistic concurrency), decide on
/// that state, append, save; when another writer got there first, decide again on the fresh state, so concurrent
/// commands all land while the rules still allow them.</summary>
public static class SessionStreams
{
    public static bool IsConflict(Exception e) => e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException;

    /// <returns>The events appended (none when the decision was that nothing changes), or null when there is no
    /// such session.</returns>
    /// <param name="alongside">Documents written in the same transaction as the events.</param>
    /// <param name="attempts">1: a single try that gives up (returns no events) on a conflict.</param>
    public static async Task<object[]?> DecideAndAppendAsync(IDocumentStore store, string id, Func<Session, object[]> decide,
        CancellationToken ct, Func<IDocumentSession, object[], Task>? alongside = null, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Session>(id, ct);
            if (stream.Aggregate is null) return null;
            var events = decide(stream.Aggregate);
            if (events.Length == 0) return events;
            stream.AppendMany(events);
            if (alongside is not null) await alongside(session, events);
            try
            {
                await session.SaveChangesAsync(ct);
                return events;
            }
            catch (Exception e) when (IsConflict(e))
            {
                if (attempt >= attempts) { if (attempts == 1) return []; throw; }
                await Task.Delay(Random.Shared.Next(5, 25) * attempt, ct);
            }
        }
    }
}
