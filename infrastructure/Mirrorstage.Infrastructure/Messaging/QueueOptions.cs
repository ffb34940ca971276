using System.Globalization;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>The warm-request queue, bound from "Mirrorstage:Queue".</summary>
public sealed class QueueOptions
{
    public const string Section = "Mirrorstage:Queue";

    /// <summary>"inprocess" (all-in-one), "amqp" (AMQP 1.0 with AMQPNetLite: RabbitMQ's plugin) or
    /// "servicebus" (Azure Service Bus through its SDK).</summary>
    public string Transport { get; set; } = "inprocess";

    public string QueueName { get; set; } = "warm-sessions";

    /// <summary>Deliveries of one request before it is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>amqp: the broker address with SASL PLAIN credentials (amqp://guest:guest@127.0.0.1:5672).</summary>
    public string Address { get; set; } = "amqp://guest:guest@127.0.0.1:5672";

    /// <summary>amqp: how a queue name becomes a link address ("/queue/{0}" for RabbitMQ).</summary>
    public string AddressTemplate { get; set; } = "/queue/{0}";

    /// <summary>amqp: where poison messages go; RabbitMQ drops rejected messages, so they go to "/queue/{0}-dead".</summary>
    public string DeadLetterAddressTemplate { get; set; } = "/queue/{0}-dead";

    /// <summary>servicebus with Microsoft Entra: NAMESPACE.servicebus.windows.net, authenticated by
    /// DefaultAzureCredential (the container's managed identity in Azure).</summary>
    public string? ServiceBusNamespace { get; set; }

    /// <summary>servicebus with a shared access key instead: Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...</summary>
    public string? ServiceBusConnectionString { get; set; }

    /// <summary>Null when the settings make sense, else what is wrong (checked at start-up).</summary>
    public string? Problem() => Transport switch
    {
        "inprocess" or "amqp" => null,
        "servicebus" when string.IsNullOrWhiteSpace(ServiceBusNamespace) == string.IsNullOrWhiteSpace(ServiceBusConnectionString) =>
            "Mirrorstage:Queue: Transport servicebus needs exactly one of ServiceBusNamespace (Entra) or ServiceBusConnectionString.",
        "servicebus" => null,
        _ => $"Mirrorstage:Queue:Transport must be inprocess, amqp or servicebus, not '{Transport}'.",
    };

    public string QueueAddress => string.Format(CultureInfo.InvariantCulture, AddressTemplate, QueueName);

    public string? DeadLetterAddress => string.IsNullOrWhiteSpace(DeadLetterAddressTemplate)
        ? null : string.Format(CultureInfo.InvariantCulture, DeadLetterAddressTemplate, QueueName);
}
