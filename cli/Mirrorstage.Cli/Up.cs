using Microsoft.Extensions.Configuration.Memory;
using Mirrorstage.Functions;
using Mirrorstage.GpuWorker;

namespace Mirrorstage.Cli;

/// <summary>The all-in-one mode: the gateway and a worker in one process, warm requests through an in-process
/// queue, photos and the HLS preview in ./data. Every default can be overridden the usual way.</summary>
public static class Up
{
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["urls"] = "http://127.0.0.1:5080",
        ["ConnectionStrings:Marten"] = "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres",
        ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
        ["Mirrorstage:Blobs:Folder"] = "data/blobs",
        ["Mirrorstage:Worker:PreviewFolder"] = "data/preview",
        ["Mirrorstage:Worker:RenderSlots"] = "4",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        await Build(CreateBuilder(args)).RunAsync();
        return 0;
    }

    /// <summary>The all-in-one app's services, from these arguments (`--Section:Key=value`) over the defaults.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.AddGateway();
        builder.Services.AddWorker(builder.Configuration, allInOne: true);
        return builder;
    }

    /// <summary>The all-in-one app, its gateway and worker endpoints mapped.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.MapGateway();
        app.MapWorker();
        return app;
    }
}
