using System.CommandLine;
using System.Diagnostics;
using Marten;
using Mirrorstage.Events;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace Mirrorstage.Cli.Audit.Bench;

/// <summary><c>mirrorstage audit generate</c>: a synthetic billing history for the replay benchmark, COPYed into
/// the event tables so the chain trigger links every event as an append would. Per session: a settlement
/// (creation), sometimes an extension's settlement, sometimes a refund and a later spend of that credit.</summary>
internal static class GenerateCommand
{
    public static Command Create(Option<string> connection, TextWriter stdout)
    {
        var events = new Option<int>("--events") { Description = "billing events to generate", DefaultValueFactory = _ => 1_000_000 };
        var wallets = new Option<int>("--wallets") { Description = "distinct paying wallets", DefaultValueFactory = _ => 1_000 };
        var command = new Command("generate", "Fill an empty event store with a synthetic billing history (for the replay benchmark).") { events, wallets };
        command.SetAction(async (r, ct) =>
        {
            var clock = Stopwatch.StartNew();
            using (var store = DocumentStore.For(o => o.UseMirrorstage(r.GetValue(connection)!)))
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var db = AuditDatabase.Open(r.GetValue(connection)!);
            var written = await WriteAsync(db, r.GetValue(events), r.GetValue(wallets), ct);
            await stdout.WriteLineAsync($"generated {written:N0} billing events in {clock.Elapsed.TotalSeconds:0.0} s");
            return 0;
        });
        return command;
    }

    private sealed record Planned(string Stream, long Version, object Data, DateTimeOffset At);

    /// <summary>The history, as a stream of appends; the same for the same arguments.</summary>
    private static IEnumerable<Planned> Plan(int count, int walletCount)
    {
        var t0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var walletVersions = new long[walletCount];
        var written = 0;
        for (var i = 0; written < count; i++)
        {
            var (id, w) = ($"bench-{i}", i % walletCount);
            var (wallet, at) = (Wallet(w), t0.AddSeconds(i * 2L));
            written++;
            yield return new(id, 1, new PaymentSettled(id, "create", "eip155:8453", wallet, "0xusdc", 1_000_000, $"0x{i:x64}", "k" + i, at, "0xpayto"), at);
            if (i % 4 == 0 && written++ < count)
                yield return new(id, 2, new PaymentSettled(id, "extend", "eip155:8453", wallet, "0xusdc", 500_000, $"0x{i:x63}e", "ke" + i, at.AddMinutes(3), "0xpayto"), at.AddMinutes(3));
            if (i % 10 == 0 && written++ < count)
                yield return new(WalletAddress.StreamKey(wallet), ++walletVersions[w], new CreditGranted(wallet, 1_000_000, "session_failed_before_live", id, null, at.AddMinutes(1)), at.AddMinutes(1));
            if (i % 10 == 5 && walletVersions[w] > 0 && written++ < count)
                yield return new(WalletAddress.StreamKey(wallet), ++walletVersions[w], new CreditSpent(wallet, 1_000_000, id, "create", at), at);
        }
    }

    private static string Wallet(int w) => $"0x{w + 1:x40}";

    private static async Task<long> WriteAsync(AuditDatabase db, int count, int walletCount, CancellationToken ct)
    {
        var s = AuditDatabase.Schema;
        var serializer = db.Store.Options.Serializer();
        await using var connection = await db.Source.OpenConnectionAsync(ct);
        // Streams first (the events' foreign key), then the events in batches of their own transactions: the chain
        // trigger updates its head once per event, and PostgreSQL slows on one row updated too often in one transaction.
        await using (var streams = await connection.BeginBinaryImportAsync($"COPY {s}.mt_streams (id, version) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var stream in Plan(count, walletCount).Where(p => p.Version == 1).Select(p => p.Stream))
            {
                await streams.StartRowAsync(ct);
                await streams.WriteAsync(stream, NpgsqlDbType.Varchar, ct);
                await streams.WriteAsync(0L, NpgsqlDbType.Bigint, ct);
            }
            await streams.CompleteAsync(ct);
        }

        long seq = 0;
        foreach (var batch in Plan(count, walletCount).Chunk(1_000))
        {
            await using var rows = await connection.BeginBinaryImportAsync(
                $"COPY {s}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (stream, version, data, at) in batch)
            {
                await rows.StartRowAsync(ct);
                await rows.WriteAsync(++seq, NpgsqlDbType.Bigint, ct);
                await rows.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, ct);
                await rows.WriteAsync(stream, NpgsqlDbType.Varchar, ct);
                await rows.WriteAsync(version, NpgsqlDbType.Bigint, ct);
                await rows.WriteAsync(serializer.ToJson(data), NpgsqlDbType.Jsonb, ct);
                await rows.WriteAsync(db.Alias(data.GetType()), NpgsqlDbType.Varchar, ct);
                await rows.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                await rows.WriteAsync($"{data.GetType().FullName}, Mirrorstage.Events", NpgsqlDbType.Varchar, ct);
            }
            await rows.CompleteAsync(ct);
        }
        await using (var tidy = new NpgsqlCommand($"SELECT setval('{s}.mt_events_sequence', {Math.Max(seq, 1)})", connection)) await tidy.ExecuteNonQueryAsync(ct);
        return seq;
    }
}
