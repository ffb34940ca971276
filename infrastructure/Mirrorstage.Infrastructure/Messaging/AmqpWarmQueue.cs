using Amqp;
using Amqp.Framing;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>Sends warm requests over AMQP 1.0 (RabbitMQ's plugin), reconnecting when the broker dropped us.</summary>
public sealed class AmqpWarmQueue(QueueOptions options) : IWarmQueue, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AmqpLinkHost? _host;
    private SenderLink? _sender;

    public async Task SendAsync(WarmSession message, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var sender = await SenderAsync();
                    await sender.SendAsync(AmqpWarmMessages.ToAmqp(message));
                    return;
                }
                catch (Exception e) when (attempt < 3 && e is AmqpException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    await ResetAsync(); // the broker dropped us: reconnect once more
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SenderLink> SenderAsync()
    {
        if (_sender is { IsClosed: false } && _host is { IsClosed: false }) return _sender;
        await ResetAsync();
        _host = await AmqpLinkHost.OpenAsync(options);
        _sender = new SenderLink(_host.Session, "mirrorstage-warm-sender-" + Guid.NewGuid().ToString("N")[..8], options.QueueAddress);
        return _sender;
    }

    private async Task ResetAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        (_host, _sender) = (null, null);
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}

/// <summary><see cref="WarmMessages"/> as AMQPNetLite messages.</summary>
public static class AmqpWarmMessages
{
    public static Message ToAmqp(WarmSession m) => new()
    {
        BodySection = new Data { Binary = WarmMessages.Serialize(m) },
        Properties = new Properties { MessageId = WarmMessages.NewMessageId(), ContentType = WarmMessages.ContentType, Subject = WarmMessages.Subject },
        ApplicationProperties = new ApplicationProperties { Map = { [WarmMessages.SessionIdProperty] = m.SessionId } },
        Header = new Header { Durable = true },
    };

    public static WarmSession? FromAmqp(Message m) => m.Body switch
    {
        byte[] b => WarmMessages.Parse(b),
        string s => WarmMessages.Parse(System.Text.Encoding.UTF8.GetBytes(s)),
        _ => null,
    };
}
