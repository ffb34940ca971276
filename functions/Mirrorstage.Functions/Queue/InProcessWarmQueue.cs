using System.Threading.Channels;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Functions.Queue;

/// <summary>The all-in-one mode's queue: warm requests go to a worker in the same process.</summary>
public sealed class InProcessWarmQueue : IWarmQueue
{
    private readonly Channel<WarmSession> _channel = Channel.CreateUnbounded<WarmSession>();

    public ChannelReader<WarmSession> Reader => _channel.Reader;

    public Task SendAsync(WarmSession message, CancellationToken ct) => _channel.Writer.WriteAsync(message, ct).AsTask();
}
