using Mirrorstage.Infrastructure.Telemetry;
using Mirrorstage.Events.Messaging;

namespace Mirrorstage.Functions.Sessions;

/// <summary>Tells the worker fleet a recorded session wants warming. A lost message costs nothing: the workers'
/// reconcile picks up warming sessions nobody claimed.</summary>
public sealed class WarmRequests(IWarmQueue queue, TimeProvider clock, ILogger<WarmRequests> log)
{
    public async Task SendAsync(string sessionId)
    {
        try
        {
            MirrorstageTelemetry.TagSession(sessionId);
            using var span = MirrorstageTelemetry.StartSessionActivity("warm_session.send", sessionId, null, System.Diagnostics.ActivityKind.Producer);
            await queue.SendAsync(new WarmSession(sessionId, clock.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not queue warm request for {SessionId}", sessionId);
        }
    }
}
