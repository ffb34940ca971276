using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mirrorstage.Events;
using Mirrorstage.Infrastructure.Hosting;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Infrastructure.Outputs;
using Mirrorstage.Infrastructure.Messaging;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Infrastructure.Telemetry;
using Mirrorstage.GpuWorker.Messaging;
using Mirrorstage.GpuWorker.Rendering.Neural;
using Mirrorstage.GpuWorker.Sessions;
using Mirrorstage.Imaging;

namespace Mirrorstage.GpuWorker;

public static class WorkerHost
{
    /// <summary>The worker's services. All-in-one (the gateway in the same process) takes warm requests from the
    /// gateway's in-process queue; a standalone worker needs Mirrorstage:Queue:Transport amqp or servicebus.</summary>
    public static void AddWorker(this IServiceCollection services, IConfiguration config, bool allInOne = false)
    {
        Rendering.RenderThreads.OnePerSession();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section)
            .PostConfigure(o => o.InternalUrl = Streaming.InternalAddress.Resolve(o.InternalUrl, config["urls"]))
            .Validate(o => o.RenderSlots > 0 && o.Width % 2 == 0 && o.Height % 2 == 0 && o.FramesPerSecond is > 0 and <= 60,
                "Mirrorstage:Worker: RenderSlots > 0, even Width/Height, FramesPerSecond 1..60.")
            .Validate(o => new Output.X264Settings(o.EncoderPreset, o.EncoderThreads).IsValid,
                $"Mirrorstage:Worker: EncoderPreset must be an x264 preset ({string.Join(", ", Output.X264Settings.Presets)}) and EncoderThreads 0 or more.")
            .ValidateOnStart();
        services.AddOptions<BlobOptions>().BindConfiguration(BlobOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBlobStore>(sp => BlobStores.Create(sp.GetRequiredService<IOptions<BlobOptions>>().Value));
        services.AddReferenceImages(); // change_reference over the socket
        services.AddOutputHosts(); // the output URL is checked again at connect time
        services.AddRequestLogs(); // ?token= never reaches a log
        services.AddWarmSource(allInOne);
        services.AddSingleton<Streaming.LiveSessions>();
        services.AddOptions<Output.LiveKitWorkerOptions>().BindConfiguration(Output.LiveKitWorkerOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<Output.LiveKitWorkerOptions>>().Value);
        services.AddSingleton<Output.PreviewFeeds>();
        services.AddSingleton<Output.SessionOutputs>();
        services.AddHostedService<LeaseKeeper>();
        services.AddHostedService<StoreNotifications>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ReferenceChanger>();
        services.AddSingleton<SessionRuntime>();
        services.AddRenderEngines(); // loads a neural model before sessions are taken
        services.AddHostedService<WarmRequestConsumer>();
        if (!allInOne) services.AddMirrorstageTelemetry(config, "mirrorstage-worker"); // all-in-one: the gateway's
    }

    /// <summary>A standalone worker process: Marten on ConnectionStrings:Marten, warm requests over AMQP, the
    /// session WebSocket on its URLs (ASPNETCORE_URLS / Urls).</summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder.Configuration);
        var database = Infrastructure.Database.EventStoreDataSource.Create(builder.Configuration);
        // The schema is brought up to date before the consumers and lease keeper start.
        builder.Services.AddMarten(o => o.UseMirrorstage(database)).UseLightweightSessions().ApplyAllDatabaseChangesOnStartup();
        builder.Services.AddWorker(builder.Configuration);
        var app = builder.Build();
        app.MapWorker();
        return app;
    }

    public static void MapWorker(this WebApplication app)
    {
        app.UseRequestLogs();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        Streaming.StreamEndpoint.Map(app);
        Streaming.PreviewEndpoint.Map(app);
        Streaming.LivePreviewSocket.Map(app);
        app.MapGet("/worker/health", (IServiceProvider sp) =>
        {
            var consumer = sp.GetServices<IHostedService>().OfType<WarmRequestConsumer>().Single();
            var o = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            return Results.Json(new { worker_id = o.WorkerId, render_slots = o.RenderSlots, active_sessions = consumer.ActiveSessions });
        });
    }
}
