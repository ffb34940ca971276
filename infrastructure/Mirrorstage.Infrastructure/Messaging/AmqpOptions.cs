namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>The warm-request queue over AMQP 1.0, bound from "Mirrorstage:Queue".</summary>
public sealed class AmqpOptions
{
    public const string Section = "Mirrorstage:Queue";

    /// <summary>"inprocess" (all-in-one) or "amqp".</summary>
    public string Transport { get; set; } = "inprocess";

    /// <summary>Broker address with SASL PLAIN credentials: amqp://guest:guest@127.0.0.1:5672 for RabbitMQ,
    /// amqps://KEYNAME:URL-ENCODED-KEY@NAMESPACE.servicebus.windows.net for Service Bus with a SAS key, or
    /// amqps://NAMESPACE.servicebus.windows.net with Authentication "entra".</summary>
    public string Address { get; set; } = "amqp://guest:guest@127.0.0.1:5672";

    /// <summary>"sas" (default): SASL PLAIN with the address's credentials. "entra": SASL ANONYMOUS and a CBS
    /// put-token with a Microsoft Entra token (DefaultAzureCredential: managed identity in Azure).</summary>
    public string Authentication { get; set; } = "sas";

    /// <summary>The Entra scope tokens are asked for.</summary>
    public string TokenScope { get; set; } = "https://servicebus.azure.net/.default";

    /// <summary>How an entity's CBS audience is formed from the host and the entity address.</summary>
    public string AudienceTemplate { get; set; } = "sb://{0}/{1}";

    /// <summary>Null when the settings make sense, else what is wrong (checked at start-up).</summary>
    public string? Problem() =>
        Transport is not ("inprocess" or "amqp") ? $"Mirrorstage:Queue:Transport must be inprocess or amqp, not '{Transport}'."
        : Authentication is not ("sas" or "entra") ? $"Mirrorstage:Queue:Authentication must be sas or entra, not '{Authentication}'."
        : null;

    public bool UsesEntra => string.Equals(Authentication, "entra", StringComparison.OrdinalIgnoreCase);

    public string AudienceOf(string host, string entity) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, AudienceTemplate, host, entity.TrimStart('/'));

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
