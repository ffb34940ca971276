namespace Mirrorstage.Events.Messaging;

/// <summary>The warm-request queue over AMQP 1.0, bound from "Mirrorstage:Queue".</summary>
public sealed class AmqpOptions
{
    public const string Section = "Mirrorstage:Queue";

    /// <summary>"inprocess" (all-in-one) or "amqp".</summary>
    public string Transport { get; set; } = "inprocess";

    /// <summary>Broker address with SASL PLAIN credentials: amqp://guest:guest@127.0.0.1:5672 for RabbitMQ,
    /// amqps://KEYNAME:URL-ENCODED-KEY@NAMESPACE.servicebus.windows.net for Service Bus with a SAS key.</summary>
    public string Address { get; set; } = "amqp://guest:guest@127.0.0.1:5672";

    public string QueueName { get; set; } = "warm-sessions";

    /// <summary>How a queue name becomes a link address: "/queue/{0}" for RabbitMQ, "{0}" for Service Bus.</summary>
    public string AddressTemplate { get; set; } = "/queue/{0}";

    /// <summary>Where poison messages go. Empty: reject them, which Service Bus moves to the queue's dead-letter
    /// sub-queue with the reason. RabbitMQ drops rejected messages, so locally they go to "/queue/{0}-dead".</summary>
    public string DeadLetterAddressTemplate { get; set; } = "/queue/{0}-dead";

    /// <summary>Deliveries before a message is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 5;

    public string QueueAddress => string.Format(System.Globalization.CultureInfo.InvariantCulture, AddressTemplate, QueueName);

    public string? DeadLetterAddress => string.IsNullOrWhiteSpace(DeadLetterAddressTemplate)
        ? null : string.Format(System.Globalization.CultureInfo.InvariantCulture, DeadLetterAddressTemplate, QueueName);
}
