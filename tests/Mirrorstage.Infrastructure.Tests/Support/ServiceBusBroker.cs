using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;

namespace Mirrorstage.Infrastructure.Tests.Support;

/// <summary>A local AMQP 1.0 peer that holds the Azure Service Bus SDK to the service's documented contract:
/// SASL "MSSBCBS" only; a "$cbs" node that checks each put-token (a SAS token signed with this namespace's key,
/// for an audience covering the entity); entity links attached only with such a token in force; queues with
/// peek-lock deliveries (the lock token is the delivery tag, `x-opt-locked-until` in the annotations), locks
/// that lapse, settlement by dispositions (accepted = complete, modified = abandon, rejected with
/// `com.microsoft:dead-letter` = dead-letter), `com.microsoft:renew-lock` on the queue's "$management" node,
/// duplicate detection on the message id, and a "$DeadLetterQueue" sub-queue. It is built on
/// Microsoft.Azure.Amqp (the AMQP library the SDK itself uses) because a Service Bus lock token must travel
/// as a 16-byte delivery tag. The SDK reaches it with a connection string carrying UseDevelopmentEmulator=true
/// (plain AMQP, no TLS). Nothing here is Service Bus: it is the contract the tests hold the client to.</summary>
public sealed partial class ServiceBusBroker : IDisposable
{
    public const string KeyName = "RootManageSharedAccessKey";
    private readonly AmqpTransportListener _listener;
    private readonly ConcurrentDictionary<string, BrokerQueue> _queues = new(StringComparer.OrdinalIgnoreCase);

    public string Key { get; } = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
    public int Port { get; }
    public string Host => "127.0.0.1";
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(30);
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>What the SDK is given: the emulator form of a namespace connection string.</summary>
    public string ConnectionString => $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={KeyName};SharedAccessKey={Key};UseDevelopmentEmulator=true";

    public ServiceBusBroker()
    {
        Port = FreePort();
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(new AmqpVersion(1, 0, 0));
        sasl.AddHandler(new SaslAnonymousHandler("MSSBCBS"));
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(new AmqpVersion(1, 0, 0));
        var settings = new AmqpSettings { RuntimeProvider = new Runtime(this) };
        settings.TransportProviders.Add(sasl);
        settings.TransportProviders.Add(amqp);
        _listener = new AmqpTransportListener([new TcpTransportSettings { Host = "127.0.0.1", Port = Port }.CreateListener()], settings);
        _listener.Listen((_, args) =>
        {
            var connection = new AmqpConnection(args.Transport, (ProtocolHeader)args.UserToken, false, settings,
                new AmqpConnectionSettings { ContainerId = "mirrorstage-test-namespace", MaxFrameSize = 64 * 1024 });
            connection.BeginOpen(TimeSpan.FromSeconds(10), r => { try { connection.EndOpen(r); } catch (Exception e) { Log.Enqueue("open failed: " + e.Message); } }, null);
        });
    }

    /// <summary>Creates a queue, as an operator would in the portal.</summary>
    public BrokerQueue CreateQueue(string name, bool duplicateDetection = false, int maxDeliveryCount = 10) =>
        _queues[name] = new BrokerQueue(name, LockDuration, duplicateDetection, maxDeliveryCount);

    public BrokerQueue Queue(string name) => _queues[name];

    private void Attach(AmqpLink link)
    {
        var clientSends = link is ReceivingAmqpLink;
        var address = (clientSends ? ((Target)link.Settings.Target).Address : ((Source)link.Settings.Source).Address)?.ToString() ?? "";
        Log.Enqueue($"attach {(clientSends ? "to" : "from")} {address} ({link.Settings.SettleType})");
        if (address.Equals(CbsNode, StringComparison.OrdinalIgnoreCase)) { AttachNode(link, PutToken); return; }

        // Entity addresses come as a path or as a URI on the namespace (amqp://HOST/QUEUE).
        var path = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? Uri.UnescapeDataString(uri.AbsolutePath) : address;
        var parts = path.Trim('/').Split('/', 2);
        if (!_queues.TryGetValue(parts[0], out var queue))
            throw new AmqpException(AmqpErrorCode.NotFound, $"The messaging entity '{parts[0]}' could not be found.");
        RequireToken(link.Session.Connection, parts[0]);
        var sub = parts.Length > 1 ? parts[1] : "";
        if (sub.Equals("$management", StringComparison.OrdinalIgnoreCase)) AttachNode(link, r => Manage(queue, r));
        else if (sub.Equals("$DeadLetterQueue", StringComparison.OrdinalIgnoreCase)) queue.DeadLetters.Attach(link);
        else if (sub.Length == 0) queue.Attach(link);
        else throw new AmqpException(AmqpErrorCode.NotFound, $"No sub-entity '{sub}'.");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        foreach (var q in _queues.Values) q.Dispose();
    }

    /// <summary>Connections, sessions and links as Microsoft.Azure.Amqp asks a listener to make them.</summary>
    private sealed class Runtime(ServiceBusBroker broker) : IRuntimeProvider
    {
        public AmqpConnection CreateConnection(TransportBase transport, ProtocolHeader header, bool isInitiator, AmqpSettings settings, AmqpConnectionSettings connectionSettings) =>
            new(transport, header, isInitiator, settings, connectionSettings);

        public AmqpSession CreateSession(AmqpConnection connection, AmqpSessionSettings settings) => new(connection, settings, this);

        public AmqpLink CreateLink(AmqpSession session, AmqpLinkSettings settings)
        {
            settings.MaxMessageSize = 256 * 1024; // the standard tier's limit; the SDK sizes its sends by it
            if (settings.Role != true) return new SendingAmqpLink(session, settings);
            settings.TotalLinkCredit = 100;
            settings.AutoSendFlow = true;
            return new ReceivingAmqpLink(session, settings);
        }

        public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
        {
            var done = new TaskCompletionSource(state);
            try { broker.Attach(link); done.SetResult(); }
            catch (Exception e) { broker.Log.Enqueue("attach refused: " + e.Message); done.SetException(e); }
            callback?.Invoke(done.Task);
            return done.Task;
        }

        public void EndOpenLink(IAsyncResult result) => ((Task)result).GetAwaiter().GetResult();
    }
}
