using System.Diagnostics;
using Mirrorstage.Events.Payments;
using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.Functions.Payments;

/// <summary>Every payment attempt by outcome: a claimed payment's verify + settle ("settled", or the refusal's error
/// code) with how long the facilitator or relayer took, by network; a payment the gateway refused itself before
/// claiming it; and a payment from the wallet's credits.</summary>
public static class PaymentMetrics
{
    public static void Record(string outcome, string network, long startedTimestamp)
    {
        var tags = new TagList { { "outcome", outcome }, { "network", network } };
        MirrorstageTelemetry.Payments.Add(1, tags);
        MirrorstageTelemetry.SettlementDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, tags);
    }

    /// <summary>Refused by the gateway's own rules: nothing was sent to a facilitator, so nothing is timed.</summary>
    public static void RefusedLocally(string outcome, string network) =>
        MirrorstageTelemetry.Payments.Add(1, new TagList { { "outcome", outcome }, { "network", network } });

    /// <summary>Paid from credits ("credits"), or refused for want of them: no network is involved.</summary>
    public static void FromCredits(string outcome = PaymentOutcomes.Credits) =>
        MirrorstageTelemetry.Payments.Add(1, new TagList { { "outcome", outcome } });
}
