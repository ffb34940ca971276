using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace Mirrorstage.Functions.AzureFunctions;

/// <summary>Runs this executable as an Azure Functions isolated worker (ASP.NET Core integration) when the
/// Functions host starts it; otherwise Program serves the same slices from Kestrel.</summary>
public static class FunctionsWorker
{
    /// <summary>The host starts workers with FUNCTIONS_WORKER_RUNTIME set and a worker id on the command line.</summary>
    public static bool IsHostedBy(string[] args) =>
        Environment.GetEnvironmentVariable("FUNCTIONS_WORKER_RUNTIME") == "dotnet-isolated"
        || args.Any(a => a is "--functions-worker-id" or "--workerId");

    public static void Run(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddRouting();
        builder.Services.AddGatewayServices(builder.Configuration);
        builder.Services.AddSingleton<GatewayEndpoints>();
        builder.Build().Run();
    }
}
