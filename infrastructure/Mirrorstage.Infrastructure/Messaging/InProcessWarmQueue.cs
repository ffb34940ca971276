using System.Threading.Channels;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>The all-in-one mode's queue: warm requests go to a worker in the same process.</summary>
public sealed class InProcessWarmQueue : IWarmQueue, IWarmSource
{
    private readonly Channel<WarmSession> _channel = Channel.CreateUnbounded<WarmSession>();

    public ChannelReader<WarmSession> Reader => _channel.Reader;

    public Task SendAsync(WarmSession message, CancellationToken ct) => _channel.Writer.WriteAsync(message, ct).AsTask();

    public async Task<bool> ReceiveOneAsync(Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, TimeSpan wait, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        WarmSession message;
        try { message = await _channel.Reader.ReadAsync(timeout.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return false; }
        var outcome = await handle(message, ct);
        if (outcome == WarmOutcome.RetryLater) await SendAsync(message with { Attempt = message.Attempt + 1 }, ct);
        return true;
    }
}
