using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mirrorstage.Infrastructure.Hosting;

/// <summary>Request logs without secrets, for the gateway and the worker. Session and share tokens travel in
/// query strings (?token=, ?share=), and ASP.NET Core's own request lines write the raw query: they are kept
/// at Warning whatever the configuration says, and each request is logged instead by the HTTP logging
/// middleware with its method, path, status and duration only (no query string, no headers).</summary>
public static class RequestLogs
{
    /// <summary>ASP.NET Core's "Request starting GET /...?token=..." lines.</summary>
    public const string RawRequestCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const string Applied = "mirrorstage.request-logs";

    public static void AddRequestLogs(this IServiceCollection services)
    {
        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                              | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        // Registered after the configuration's rules, so it wins over a configured level for the same category.
        services.AddLogging(b => b.AddFilter(RawRequestCategory, LogLevel.Warning));
    }

    /// <summary>Once per app, also when the gateway and the worker share one (all-in-one).</summary>
    public static void UseRequestLogs(this IApplicationBuilder app)
    {
        if (app.Properties.TryAdd(Applied, true)) app.UseHttpLogging();
    }
}
