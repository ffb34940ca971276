using Marten;
using Medallion.Threading.Postgres;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>Jobs that one worker at a time must run, however many workers share the store: a PostgreSQL
/// advisory lock on the event store's database (DistributedLock.Postgres). A worker that finds the job's lock
/// taken skips its round; the lock goes with the holder's connection, so a killed worker frees it.</summary>
public static class SingleOwner
{
    public const string Reapers = "mirrorstage:reapers";

    public static PostgresDistributedLock LockFor(IDocumentStore store, string job) =>
        new(new PostgresAdvisoryLockKey(job, allowHashing: true), store.Options.Tenancy.Default.Database.CreateConnection().ConnectionString);

    /// <summary>The job's turn, or null while another worker has it.</summary>
    public static async Task<IAsyncDisposable?> TryTakeAsync(IDocumentStore store, string job, CancellationToken ct) =>
        await LockFor(store, job).TryAcquireAsync(TimeSpan.Zero, ct);
}
