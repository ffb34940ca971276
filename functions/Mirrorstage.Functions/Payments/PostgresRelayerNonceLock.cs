using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Mirrorstage.X402.Evm;
using Npgsql;

namespace Mirrorstage.Functions.Payments;

/// <summary>A PostgreSQL session advisory lock per relayer address, on a connection of its own: every gateway
/// process that sends from one relayer queues on the same lock, and a crashed holder's lock goes with its connection.</summary>
public sealed class PostgresRelayerNonceLock(IConfiguration config) : IRelayerNonceLock
{
    private readonly string _connection = config.GetConnectionString("Marten")
        ?? throw new InvalidOperationException("ConnectionStrings:Marten is not set.");

    public async Task<IAsyncDisposable> AcquireAsync(string relayerAddress, CancellationToken ct)
    {
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("mirrorstage-relayer:" + relayerAddress.ToLowerInvariant())));
        var connection = new NpgsqlConnection(_connection);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("select pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(ct);
            return new Held(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("select pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", key);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
