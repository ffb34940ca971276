namespace Mirrorstage.GpuWorker.Streaming;

/// <summary>The session token of a socket request. The published API reference's own clients append
/// `?token=...` to websocket_url, which already carries it, so the query arrives as "sk_X?token=sk_X": that one
/// repetition of the same token is read as the token (anything else is left for the hash check to refuse).</summary>
public static class SocketToken
{
    public static string From(string query)
    {
        var at = query.IndexOf("?token=", StringComparison.Ordinal);
        if (at < 0) return query;
        var (first, second) = (query[..at], query[(at + "?token=".Length)..]);
        return first == second ? first : query;
    }
}
