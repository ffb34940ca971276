using Azure.Core;
using Azure.Messaging.ServiceBus;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>Sends warm requests to an Azure Service Bus queue through the SDK's <see cref="ServiceBusSender"/>
/// (which does CBS, token renewal, reconnection and retries).</summary>
public sealed class ServiceBusWarmQueue(ServiceBusClient client, QueueOptions options) : IWarmQueue, IAsyncDisposable
{
    private readonly ServiceBusSender _sender = client.CreateSender(options.QueueName);

    public Task SendAsync(WarmSession message, CancellationToken ct) => _sender.SendMessageAsync(ToServiceBus(message), ct);

    public static ServiceBusMessage ToServiceBus(WarmSession m) => new(WarmMessages.Serialize(m))
    {
        MessageId = WarmMessages.NewMessageId(),
        ContentType = WarmMessages.ContentType,
        Subject = WarmMessages.Subject,
        ApplicationProperties = { [WarmMessages.SessionIdProperty] = m.SessionId },
    };

    public ValueTask DisposeAsync() => _sender.DisposeAsync();
}

/// <summary>The one <see cref="ServiceBusClient"/> a process uses, from the namespace (Entra) or a connection string.</summary>
public static class ServiceBusClients
{
    public static ServiceBusClient Create(QueueOptions o, TokenCredential? credential = null) =>
        string.IsNullOrWhiteSpace(o.ServiceBusConnectionString)
            ? new ServiceBusClient(o.ServiceBusNamespace, credential ?? new Azure.Identity.DefaultAzureCredential())
            : new ServiceBusClient(o.ServiceBusConnectionString);
}
