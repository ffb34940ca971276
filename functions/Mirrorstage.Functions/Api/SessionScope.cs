using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.Functions.Api;

/// <summary>A request about one session (a route with {id}: the session's own routes and its view page) logs
/// inside a {SessionId} scope, its request line included, and its span carries the session id.</summary>
public static class SessionScope
{
    public static void UseSessionScope(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mirrorstage.Functions.Sessions");
        app.Use(async (context, next) =>
        {
            if (context.Request.RouteValues.GetValueOrDefault("id") is not string id)
            {
                await next(context);
                return;
            }
            MirrorstageTelemetry.TagSession(id);
            using (log.BeginScope(new Dictionary<string, object> { ["SessionId"] = id })) await next(context);
        });
    }
}
