using System.Runtime.CompilerServices;

namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>Bounded-memory joins of streams that PostgreSQL sorted by the same key (COLLATE "C", so ordinal order).</summary>
internal static class SortedMerge
{
    /// <summary>Adjacent items with the same key, as one group: one group in memory at a time.</summary>
    public static async IAsyncEnumerable<(string Key, List<T> Items)> GroupAsync<T>(IAsyncEnumerable<T> sorted, Func<T, string> key,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        List<T>? group = null;
        string? current = null;
        await foreach (var item in sorted.WithCancellation(ct))
        {
            var k = key(item);
            if (group is not null && k != current)
            {
                yield return (current!, group);
                group = null;
            }
            (group ??= []).Add(item);
            current = k;
        }
        if (group is not null) yield return (current!, group);
    }

    /// <summary>A full outer join of two key-sorted streams with unique keys.</summary>
    public static async IAsyncEnumerable<(string Key, TA? A, TB? B)> JoinAsync<TA, TB>(
        IAsyncEnumerable<(string Key, TA Item)> left, IAsyncEnumerable<(string Key, TB Item)> right,
        [EnumeratorCancellation] CancellationToken ct = default) where TA : class where TB : class
    {
        await using var a = left.GetAsyncEnumerator(ct);
        await using var b = right.GetAsyncEnumerator(ct);
        var (hasA, hasB) = (await a.MoveNextAsync(), await b.MoveNextAsync());
        while (hasA || hasB)
        {
            var order = !hasA ? 1 : !hasB ? -1 : string.CompareOrdinal(a.Current.Key, b.Current.Key);
            if (order < 0)
            {
                yield return (a.Current.Key, a.Current.Item, null);
                hasA = await a.MoveNextAsync();
            }
            else if (order > 0)
            {
                yield return (b.Current.Key, null, b.Current.Item);
                hasB = await b.MoveNextAsync();
            }
            else
            {
                yield return (a.Current.Key, a.Current.Item, b.Current.Item);
                (hasA, hasB) = (await a.MoveNextAsync(), await b.MoveNextAsync());
            }
        }
    }
}
