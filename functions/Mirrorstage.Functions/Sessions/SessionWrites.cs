using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Functions.Sessions;

/// <summary>The gateway's session writes: the shared decide-append loop, with a missing session answered 404.</summary>
public static class SessionWrites
{
    public static async Task<object[]> DecideAndAppendAsync(
        IDocumentStore store, string id, Func<Session, object[]> decide, Func<IDocumentSession, object[], Task>? alongside, CancellationToken ct) =>
        await SessionStreams.DecideAndAppendAsync(store, id, decide, ct, alongside) ?? throw Api.ApiException.NotFound();
}
