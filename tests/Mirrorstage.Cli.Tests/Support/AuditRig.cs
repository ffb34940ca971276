using Marten;
using Mirrorstage.Cli.Audit;
using Mirrorstage.Events;
using Npgsql;

namespace Mirrorstage.Cli.Tests.Support;

/// <summary>A database of the test's own on the local PostgreSQL (scripts/postgres.sh), with the store's schema
/// and the billing chain installed as the gateway and the worker install them.</summary>
public sealed class AuditRig : IAsyncDisposable
{
    private static string Server => Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_POSTGRES")
        ?? $"Host=127.0.0.1;Port={Environment.GetEnvironmentVariable("MIRRORSTAGE_PG_PORT") ?? "55432"};Username=postgres";

    private AuditRig(string connection, DocumentStore store) => (Connection, Store) = (connection, store);

    public string Connection { get; }
    public DocumentStore Store { get; }

    public static async Task<AuditRig> CreateAsync(string name)
    {
        await using (var admin = new NpgsqlConnection(Server + ";Database=postgres"))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"create database \"{name}\"", admin).ExecuteNonQueryAsync();
        }
        var connection = $"{Server};Database={name}";
        var store = DocumentStore.For(o => o.UseMirrorstage(connection));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new AuditRig(connection, store);
    }

    internal AuditDatabase OpenAudit() => AuditDatabase.Open(Connection);

    /// <summary>Runs SQL straight against the database, as someone with its password could.</summary>
    public async Task<int> SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Connection);
        await connection.OpenAsync();
        return await new NpgsqlCommand(sql.Replace("{S}", MartenSetup.Schema), connection).ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Connection);
        await connection.OpenAsync();
        return (T)(await new NpgsqlCommand(sql.Replace("{S}", MartenSetup.Schema), connection).ExecuteScalarAsync())!;
    }

    /// <summary>Runs `mirrorstage audit ARGS` against this database and returns its exit code and output.</summary>
    public async Task<(int Exit, string Output)> AuditAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await AuditCommand.Build(output).Parse([.. args, "--connection", Connection, "--progress", "never"]).InvokeAsync();
        return (exit, output.ToString());
    }

    public ValueTask DisposeAsync()
    {
        Store.Dispose();
        return ValueTask.CompletedTask;
    }
}
