using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>Sends warm requests over AMQP 1.0. The message id is the session id (Service Bus duplicate
/// detection drops a resend within its window); the body is the JSON contract.</summary>
public sealed class AmqpWarmQueue(AmqpOptions options, Azure.Core.TokenCredential? credential = null) : IWarmQueue, IAsyncDisposable
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
                    var sender = await SenderAsync(ct);
                    await sender.SendAsync(WarmMessages.ToAmqp(message));
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

    private async Task<SenderLink> SenderAsync(CancellationToken ct)
    {
        if (_sender is { IsClosed: false } && _host is { IsClosed: false }) return _sender;
        await ResetAsync();
        _host = await AmqpConnector.OpenAsync(options, credential, [options.QueueAddress], ct);
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

/// <summary>The wire form of a warm request.</summary>
public static class WarmMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Message ToAmqp(WarmSession m) => new(JsonSerializer.Serialize(m, Json))
    {
        Properties = new Properties { MessageId = m.SessionId, ContentType = "application/json", Subject = "WarmSession" },
        Header = new Header { Durable = true },
    };

    public static WarmSession? FromAmqp(Message m)
    {
        try
        {
            return m.Body switch
            {
                string s => JsonSerializer.Deserialize<WarmSession>(s, Json),
                byte[] b => JsonSerializer.Deserialize<WarmSession>(b, Json),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
