using System.Runtime.CompilerServices;
using Npgsql;

namespace Mirrorstage.Cli.Audit;

/// <summary>One row of mt_events as stored: what the chain link covers, and the link itself (null when the row
/// carries none).</summary>
internal sealed record RawEvent(
    long Seq, Guid Id, string StreamId, long Version, string Type, DateTimeOffset Timestamp, string Data,
    long? ChainN, string? ChainPrev, string? ChainHash)
{
    public static readonly string Columns = ColumnsOf("");

    /// <param name="alias">The table's alias and a dot (e.g. "e."), or "".</param>
    public static string ColumnsOf(string alias) => $"""
        {alias}seq_id, {alias}id, {alias}stream_id, {alias}version, {alias}type, {alias}timestamp, {alias}data::text,
        (({alias}headers -> 'billing_chain') ->> 'n')::bigint, ({alias}headers -> 'billing_chain') ->> 'prev', ({alias}headers -> 'billing_chain') ->> 'hash'
        """;

    public const int ColumnCount = 10;

    public string Name => $"event seq {Seq} ({Type} {Id} on {StreamId} v{Version}{(ChainN is { } n ? $", chain #{n}" : "")})";

    /// <summary>Streams the rows of a query selecting <see cref="Columns"/> first: one row in memory at a time.</summary>
    public static async IAsyncEnumerable<RawEvent> ReadAsync(NpgsqlDataSource source, string sql,
        Action<NpgsqlParameterCollection>? parameters, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        parameters?.Invoke(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return From(reader);
    }

    /// <summary>Rows of any query, read by <paramref name="read"/> one at a time.</summary>
    public static async IAsyncEnumerable<T> RowsAsync<T>(NpgsqlDataSource source, string sql, Action<NpgsqlParameterCollection>? parameters,
        Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        parameters?.Invoke(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return read(reader);
    }

    public static RawEvent From(NpgsqlDataReader r, int at = 0) => new(
        r.GetInt64(at), r.GetGuid(at + 1), r.GetString(at + 2), r.GetInt64(at + 3), r.GetString(at + 4),
        new DateTimeOffset(r.GetDateTime(at + 5), TimeSpan.Zero), r.GetString(at + 6),
        r.IsDBNull(at + 7) ? null : r.GetInt64(at + 7), r.IsDBNull(at + 8) ? null : r.GetString(at + 8),
        r.IsDBNull(at + 9) ? null : r.GetString(at + 9));
}
