using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace Mirrorstage.Infrastructure.Tests.Support;

/// <summary>One queue of <see cref="ServiceBusBroker"/>, with Service Bus's peek-lock rules.</summary>
public sealed class BrokerQueue : IDisposable
{
    public sealed class Stored
    {
        public required long SequenceNumber { get; init; }
        public required byte[] Body { get; init; }
        public string? MessageId { get; init; }
        public Dictionary<string, object> Properties { get; init; } = [];
        public int DeliveryCount { get; set; }
        public Guid? LockToken { get; set; }
        public DateTime LockedUntil { get; set; }
    }

    private readonly object _gate = new();
    private readonly List<Stored> _available = [];
    private readonly Dictionary<Guid, Stored> _locked = [];
    private readonly HashSet<string> _seenIds = [];
    private readonly List<SendingAmqpLink> _consumers = [];
    private readonly Timer _expiry;
    private readonly TimeSpan _lockDuration;
    private readonly bool _duplicateDetection;
    private readonly int _maxDeliveryCount;
    private long _sequence;

    public BrokerQueue(string name, TimeSpan lockDuration, bool duplicateDetection, int maxDeliveryCount, bool isDeadLetterQueue = false)
    {
        (Name, _lockDuration, _duplicateDetection, _maxDeliveryCount) = (name, lockDuration, duplicateDetection, maxDeliveryCount);
        DeadLetters = isDeadLetterQueue ? null! : new BrokerQueue(name + "/$DeadLetterQueue", lockDuration, false, int.MaxValue, true);
        _expiry = new Timer(_ => ExpireLocks(), null, 100, 100);
    }

    public string Name { get; }
    public BrokerQueue DeadLetters { get; }
    public List<Stored> Completed { get; } = [];
    public int DuplicatesDropped { get; private set; }
    public int Abandoned { get; private set; }
    public int LocksLapsed { get; private set; }

    public void Attach(AmqpLink link)
    {
        if (link is ReceivingAmqpLink incoming)
        {
            incoming.RegisterMessageListener(m =>
            {
                Enqueue(m);
                incoming.DisposeMessage(m, AmqpConstants.AcceptedOutcome, true, false);
            });
            return;
        }
        var outgoing = (SendingAmqpLink)link;
        lock (_gate) _consumers.Add(outgoing);
        outgoing.SafeAddClosed((_, _) => { lock (_gate) _consumers.Remove(outgoing); });
        outgoing.RegisterCreditListener((_, _, _) => Pump());
        outgoing.RegisterDispositionListener(d => Settle(outgoing, d));
    }

    private void Enqueue(AmqpMessage m)
    {
        var body = m.DataBody?.SelectMany(d => ((ArraySegment<byte>)d.Value).ToArray()).ToArray() ?? [];
        var properties = m.ApplicationProperties?.Map.ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value) ?? [];
        Add(new Stored { SequenceNumber = 0, Body = body, MessageId = m.Properties?.MessageId?.ToString(), Properties = properties });
    }

    internal void Add(Stored message)
    {
        lock (_gate)
        {
            if (_duplicateDetection && message.MessageId is { } id && !_seenIds.Add(id))
            {
                DuplicatesDropped++;
                return; // accepted and dropped, as Service Bus does inside its detection window
            }
            _available.Add(new Stored { SequenceNumber = ++_sequence, Body = message.Body, MessageId = message.MessageId, Properties = message.Properties });
        }
        Pump();
    }

    private void Pump()
    {
        lock (_gate)
        {
            foreach (var link in _consumers.Where(l => l.State == AmqpObjectState.Opened))
                while (link.LinkCredit > 0 && _available.Count > 0)
                {
                    var m = _available[0];
                    _available.RemoveAt(0);
                    m.DeliveryCount++;
                    m.LockToken = Guid.NewGuid();
                    m.LockedUntil = DateTime.UtcNow + _lockDuration;
                    _locked[m.LockToken.Value] = m;
                    link.SendMessageNoWait(ToAmqp(m), new ArraySegment<byte>(m.LockToken.Value.ToByteArray()), default);
                }
        }
    }

    private static AmqpMessage ToAmqp(Stored m)
    {
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(m.Body) });
        if (m.MessageId is not null) message.Properties.MessageId = m.MessageId;
        foreach (var (k, v) in m.Properties) message.ApplicationProperties.Map[k] = v;
        message.Header.DeliveryCount = (uint)(m.DeliveryCount - 1);
        message.MessageAnnotations.Map["x-opt-locked-until"] = m.LockedUntil;
        message.MessageAnnotations.Map["x-opt-sequence-number"] = m.SequenceNumber;
        message.MessageAnnotations.Map["x-opt-enqueued-time"] = DateTime.UtcNow;
        return message;
    }

    private void Settle(SendingAmqpLink link, Delivery delivery)
    {
        // The answer settles the delivery: a rejection only when the lock is gone (the SDK reads any rejected
        // answer as a failure, so a done dead-lettering is answered as accepted).
        var settled = Settle(new Guid(delivery.DeliveryTag.ToArray()), delivery.State);
        link.DisposeDelivery(delivery, true, !settled
            ? new Rejected { Error = new Error { Condition = new AmqpSymbol("com.microsoft:message-lock-lost"), Description = "The lock supplied is invalid." } }
            : delivery.State is Rejected ? new Accepted() : delivery.State);
    }

    /// <summary>Settles a locked message by its lock token; false when the lock is gone (lapsed or settled).</summary>
    internal bool Settle(Guid token, DeliveryState state)
    {
        lock (_gate)
        {
            if (!_locked.Remove(token, out var m)) return false;
            switch (state)
            {
                case Accepted:
                    Completed.Add(m);
                    break;
                case Modified modified:
                    foreach (var kv in modified.MessageAnnotations ?? []) m.Properties[kv.Key.ToString()!] = kv.Value;
                    Abandoned++;
                    Unlock(m);
                    break;
                case Rejected { Error: { } e } when e.Condition.Value == "com.microsoft:dead-letter":
                    DeadLetter(m, e.Info?["DeadLetterReason"] as string ?? "", e.Info?["DeadLetterErrorDescription"] as string ?? "");
                    break;
                default:
                    m.DeliveryCount--; // released: not counted
                    Unlock(m);
                    break;
            }
        }
        Pump();
        return true;
    }

    private void Unlock(Stored m)
    {
        m.LockToken = null;
        if (m.DeliveryCount >= _maxDeliveryCount) DeadLetter(m, "MaxDeliveryCountExceeded", $"Delivered {m.DeliveryCount} times.");
        else _available.Insert(_available.FindIndex(x => x.SequenceNumber > m.SequenceNumber) is var i and >= 0 ? i : _available.Count, m);
    }

    private void DeadLetter(Stored m, string reason, string description) =>
        DeadLetters.Add(new Stored
        {
            SequenceNumber = 0, Body = m.Body, MessageId = m.MessageId,
            Properties = new(m.Properties) { ["DeadLetterReason"] = reason, ["DeadLetterErrorDescription"] = description },
        });

    internal DateTime? RenewLock(Guid token)
    {
        lock (_gate)
        {
            if (!_locked.TryGetValue(token, out var m)) return null;
            return m.LockedUntil = DateTime.UtcNow + _lockDuration;
        }
    }

    private void ExpireLocks()
    {
        bool any;
        lock (_gate)
        {
            var lapsed = _locked.Values.Where(m => m.LockedUntil <= DateTime.UtcNow).ToList();
            foreach (var m in lapsed) { _locked.Remove(m.LockToken!.Value); LocksLapsed++; Unlock(m); }
            any = lapsed.Count > 0;
        }
        if (any) Pump();
    }

    public int Count { get { lock (_gate) return _available.Count + _locked.Count; } }

    public void Dispose()
    {
        _expiry.Dispose();
        DeadLetters?.Dispose();
    }
}
