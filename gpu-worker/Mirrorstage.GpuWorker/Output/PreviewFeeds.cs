using System.Collections.Concurrent;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>The preview feeds of the sessions this worker renders, by session id.</summary>
public sealed class PreviewFeeds
{
    private readonly ConcurrentDictionary<string, PreviewFeed> _feeds = new();

    public PreviewFeed? Get(string id) => _feeds.GetValueOrDefault(id);
    public void Add(string id, PreviewFeed feed) => _feeds[id] = feed;
    public void Remove(string id) => _feeds.TryRemove(id, out _);
}
