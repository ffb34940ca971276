using JasperFx;
using JasperFx.Events;
using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Functions.Sessions;

/// <summary>Appends to a session stream with optimistic concurrency, deciding again on a fresh state when
/// another writer got there first, so concurrent commands all land when the rules still allow them.</summary>
public static class SessionWrites
{
    private const int Attempts = 5;

    public static async Task<object[]> DecideAndAppendAsync(
        IDocumentStore store, string id, Func<Session, object[]> decide, Action<IDocumentSession, object[]>? alongside, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Session>(id, ct);
            if (stream.Aggregate is null) throw Api.ApiException.NotFound();
            var events = decide(stream.Aggregate);
            if (events.Length == 0) return events;
            stream.AppendMany(events);
            alongside?.Invoke(session, events);
            try
            {
                await session.SaveChangesAsync(ct);
                return events;
            }
            catch (Exception e) when (attempt < Attempts && e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException)
            {
                await Task.Delay(Random.Shared.Next(5, 25) * attempt, ct);
            }
        }
    }
}
