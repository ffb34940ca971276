// The GPU worker's host. Claiming sessions, rendering and streaming arrive with the worker issue;
// until then the host starts, reports its configured capacity and waits for shutdown.
var builder = Host.CreateApplicationBuilder(args);
var host = builder.Build();
host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mirrorstage.GpuWorker")
    .LogInformation("GPU worker host started with {Slots} render slots (rendering not yet wired)",
        builder.Configuration.GetValue("Mirrorstage:Worker:RenderSlots", 4));
await host.RunAsync();
