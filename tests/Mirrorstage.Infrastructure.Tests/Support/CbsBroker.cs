using System.Collections.Concurrent;
using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Mirrorstage.Infrastructure.Tests.Support;

/// <summary>An AMQP 1.0 peer (AMQPNetLite's listener) that enforces claims-based security the way Service Bus
/// documents it: SASL ANONYMOUS only; a "$cbs" request/response node taking put-token (type jwt, name =
/// audience, body = token, application-property expiration); an entity link is attached only while a valid
/// token for its audience is in force, and a connection whose tokens have all expired is closed. Behind
/// that, one in-memory queue per address. Nothing here speaks CBS for real (no Service Bus or emulator), so
/// this peer is what proves the client follows the contract on the wire.</summary>
public sealed class CbsBroker : IDisposable
{
    public sealed record PutToken(string Audience, string Type, string Token, DateTime? Expiration, DateTimeOffset At);

    private readonly ContainerHost _host;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _valid = new();
    private readonly ConcurrentDictionary<string, Channel<Message>> _queues = new();
    private readonly Func<string, bool> _acceptToken;
    private readonly Timer _expiry;
    private readonly ConcurrentDictionary<ListenerLink, string> _links = new();

    public ConcurrentQueue<PutToken> Puts { get; } = new();
    public int RefusedAttaches => _refused;
    private int _refused;
    public string Address { get; }
    public string Host => "127.0.0.1";

    public CbsBroker(Func<string, bool>? acceptToken = null)
    {
        _acceptToken = acceptToken ?? (t => t.StartsWith("eyJ", StringComparison.Ordinal));
        var port = 56000 + Random.Shared.Next(0, 900);
        Address = $"amqp://127.0.0.1:{port}";
        _host = new ContainerHost(new Address(Address));
        _host.Listeners[0].SASL.EnableAnonymousMechanism = true;
        _host.RegisterRequestProcessor("$cbs", new CbsNode(this));
        _host.RegisterLinkProcessor(new EntityLinks(this));
        _host.Open();
        _expiry = new Timer(_ => CloseExpired(), null, 200, 200);
    }

    /// <summary>Drops links whose audience's token lapsed, as the service does.</summary>
    private void CloseExpired()
    {
        foreach (var (link, audience) in _links)
        {
            if (_valid.TryGetValue(audience, out var until) && until > DateTimeOffset.UtcNow) continue;
            _links.TryRemove(link, out _);
            try { link.Close(TimeSpan.Zero, new Error(ErrorCode.UnauthorizedAccess) { Description = "token expired" }); }
            catch (AmqpException) { }
        }
    }

    private string AudienceOf(string address) => $"sb://{Host}/{address.TrimStart('/')}";

    private sealed class CbsNode(CbsBroker broker) : IRequestProcessor
    {
        public int Credit => 10;

        public void Process(RequestContext request)
        {
            var map = request.Message.ApplicationProperties?.Map;
            var operation = map?["operation"] as string;
            var type = map?["type"] as string;
            var audience = map?["name"] as string;
            var expiration = map?["expiration"] as DateTime?;
            var token = request.Message.Body as string;
            broker.Puts.Enqueue(new PutToken(audience ?? "", type ?? "", token ?? "", expiration, DateTimeOffset.UtcNow));

            int status; string description;
            if (operation != "put-token") (status, description) = (400, "unknown operation");
            else if (type != "jwt" || audience is null || token is null) (status, description) = (400, "type, name and a string body are required");
            else if (!broker._acceptToken(token)) (status, description) = (401, "token rejected");
            else
            {
                broker._valid[audience] = expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : DateTimeOffset.UtcNow.AddMinutes(20);
                (status, description) = (202, "Accepted");
            }
            request.Complete(new Message
            {
                Properties = new Properties { CorrelationId = request.Message.Properties?.MessageId },
                ApplicationProperties = new ApplicationProperties { Map = { ["status-code"] = status, ["status-description"] = description } },
            });
        }
    }

    private sealed class EntityLinks(CbsBroker broker) : ILinkProcessor
    {
        public void Process(AttachContext attach)
        {
            var clientSends = !attach.Attach.Role; // the client's role: false = sender
            var address = clientSends ? ((Target)attach.Attach.Target).Address : ((Source)attach.Attach.Source).Address;
            var audience = broker.AudienceOf(address);
            if (!broker._valid.TryGetValue(audience, out var until) || until <= DateTimeOffset.UtcNow)
            {
                Interlocked.Increment(ref broker._refused);
                attach.Complete(new Error(ErrorCode.UnauthorizedAccess) { Description = $"No valid token for {audience}." });
                return;
            }
            broker._links[attach.Link] = audience;
            var queue = broker._queues.GetOrAdd(address, _ => Channel.CreateUnbounded<Message>());
            attach.Complete(clientSends ? new TargetLinkEndpoint(new Incoming(queue), attach.Link) : new SourceLinkEndpoint(new Outgoing(queue), attach.Link), clientSends ? 20 : 0);
        }
    }

    private sealed class Incoming(Channel<Message> queue) : IMessageProcessor
    {
        public int Credit => 20;

        public void Process(MessageContext message)
        {
            queue.Writer.TryWrite(message.Message);
            message.Complete();
        }
    }

    private sealed class Outgoing(Channel<Message> queue) : IMessageSource
    {
        public async Task<ReceiveContext> GetMessageAsync(ListenerLink link) =>
            new(link, await queue.Reader.ReadAsync());

        public void DisposeMessage(ReceiveContext receive, DispositionContext disposition)
        {
            if (disposition.DeliveryState is not Accepted) queue.Writer.TryWrite(receive.Message); // peek-lock: back it goes
            disposition.Complete();
        }
    }

    public void Dispose()
    {
        _expiry.Dispose();
        _host.Close();
    }
}
