using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events;
using Mirrorstage.GpuWorker.Streaming;
using Npgsql;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>Immediacy for what the store says: a trigger on the event table NOTIFYs the stream id of every
/// appended event, and this worker LISTENs, nudging the session's runtime to re-read at its next frame. The
/// runtime's periodic re-read stays as the safety net (a dropped connection loses notifications).</summary>
public sealed class StoreNotifications(IDocumentStore store, LiveSessions live, IOptions<WorkerOptions> options, ILogger<StoreNotifications> log)
    : BackgroundService
{
    public const string Channel = "mirrorstage_events";

    private static readonly string Trigger = $"""
        CREATE OR REPLACE FUNCTION {MartenSetup.Schema}.notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{Channel}', NEW.stream_id); RETURN NEW; END $$;
        DROP TRIGGER IF EXISTS mirrorstage_notify ON {MartenSetup.Schema}.mt_events;
        CREATE TRIGGER mirrorstage_notify AFTER INSERT ON {MartenSetup.Schema}.mt_events
          FOR EACH ROW EXECUTE FUNCTION {MartenSetup.Schema}.notify_event();
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(); // mt_events must exist first
                await using var connection = store.Options.Tenancy.Default.Database.CreateConnection(); // the store's data source (Entra tokens too)
                await connection.OpenAsync(stoppingToken);
                await using (var install = new NpgsqlCommand(Trigger, connection)) await install.ExecuteNonQueryAsync(stoppingToken);
                connection.Notification += (_, e) => live.Get(e.Payload)?.Nudge();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                log.LogInformation("Listening for session events ({Worker})", options.Value.WorkerId);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Store notifications interrupted; the periodic re-read covers until they resume");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
