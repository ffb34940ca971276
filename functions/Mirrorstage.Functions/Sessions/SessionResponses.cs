using Microsoft.Extensions.Options;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Api;
using Mirrorstage.Functions.Outputs;

namespace Mirrorstage.Functions.Sessions;

public sealed record SessionCreatedResponse(
    string SessionId, string Token, string Status, string OutputProtocol, string? LivekitUrl, string ViewUrl,
    string WebsocketUrl, string StatusUrl, int EstimatedReadySeconds, int DurationMinutes, decimal PriceUsd, string? Wallet);

public sealed record SessionStatusResponse(
    string SessionId, string Status, bool Ready, string OutputProtocol, string? LivekitUrl, string ViewUrl,
    long RemainingSeconds, int DurationMinutes, DateTimeOffset? ExpiresAt, DateTimeOffset? StartedAt,
    DateTimeOffset? WarmingStartedAt, DateTimeOffset? EndedAt, string? Wallet, string? FailureReason);

/// <summary>Builds the API's session documents from the read model.</summary>
public sealed class SessionResponses(PublicUrls urls, SessionTokens tokens, IOptions<LiveKitOptions> liveKit, TimeProvider clock)
{
    public static string StatusName(SessionStatus s) => s.ToString().ToLowerInvariant();

    public string? LiveKitUrl(SessionView v) =>
        v.OutputProtocol != OutputTarget.LiveKit ? null : v.OutputUrl ?? liveKit.Value.Url;

    public SessionCreatedResponse Created(HttpRequest request, SessionView v, int estimatedReadySeconds) => new(
        v.Id, tokens.SessionToken(v.Id), StatusName(v.Status), v.OutputProtocol, LiveKitUrl(v),
        urls.View(request, v.Id, 1), urls.WebSocket(request, v.Id), urls.Status(request, v.Id),
        estimatedReadySeconds, v.DurationMinutes, Price.ToUsd(v.PaidAtomic + v.CreditsAtomic), v.Wallet);

    public SessionStatusResponse Status(HttpRequest request, SessionView v) => new(
        v.Id, StatusName(v.Status), v.Ready, v.OutputProtocol, LiveKitUrl(v), urls.View(request, v.Id, 1),
        v.RemainingSecondsAt(clock.GetUtcNow()), v.DurationMinutes, v.ExpiresAt, v.StartedAt, v.CreatedAt,
        v.EndedAt, v.Wallet, v.FailureReason);
}
