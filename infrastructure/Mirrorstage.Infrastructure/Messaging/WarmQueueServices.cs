using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>The warm-request queue as "Mirrorstage:Queue" chooses it, for the gateway and the worker alike.</summary>
public static class WarmQueueServices
{
    /// <summary>Options, the in-process queue and the sending side (<see cref="IWarmQueue"/>).</summary>
    public static IServiceCollection AddWarmQueue(this IServiceCollection services)
    {
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section)
            .Validate(o => o.Problem() is null, "Mirrorstage:Queue: Transport inprocess, amqp, or servicebus with ServiceBusNamespace or ServiceBusConnectionString.")
            .ValidateOnStart();
        services.TryAddSingleton<InProcessWarmQueue>();
        services.TryAddSingleton(sp => ServiceBusClients.Create(Options(sp)));
        services.TryAddSingleton<IWarmQueue>(sp => Options(sp) switch
        {
            { Transport: "amqp" } o => new AmqpWarmQueue(o),
            { Transport: "servicebus" } o => new ServiceBusWarmQueue(sp.GetRequiredService<ServiceBusClient>(), o),
            _ => sp.GetRequiredService<InProcessWarmQueue>(),
        });
        return services;
    }

    /// <summary>The receiving side (<see cref="IWarmSource"/>); in process only when the gateway shares the process.</summary>
    public static IServiceCollection AddWarmSource(this IServiceCollection services, bool allInOne)
    {
        services.AddWarmQueue();
        services.TryAddSingleton<IWarmSource>(sp => Options(sp) switch
        {
            { Transport: "amqp" } o => new AmqpWarmReceiver(o),
            { Transport: "servicebus" } o => new ServiceBusWarmReceiver(sp.GetRequiredService<ServiceBusClient>(), o),
            _ when allInOne => sp.GetRequiredService<InProcessWarmQueue>(),
            _ => throw new InvalidOperationException("A standalone worker needs Mirrorstage:Queue:Transport amqp or servicebus."),
        });
        return services;
    }

    private static QueueOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<QueueOptions>>().Value;
}
