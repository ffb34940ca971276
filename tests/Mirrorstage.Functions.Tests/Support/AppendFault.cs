using Marten;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>Makes the database refuse any save that opens a session of exactly <see cref="Minutes"/> minutes:
/// the fault "settled, but the session could not be recorded".</summary>
public sealed class AppendFault : DocumentSessionListenerBase
{
    public const int Minutes = 42;

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var opensFaultySession = session.PendingChanges.Streams()
            .SelectMany(s => s.Events)
            .Any(e => e.Data is SessionCreated { DurationMinutes: Minutes });
        return opensFaultySession ? throw new InvalidOperationException("injected append failure") : Task.CompletedTask;
    }
}
