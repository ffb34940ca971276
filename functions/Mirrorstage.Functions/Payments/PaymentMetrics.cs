using System.Diagnostics;
using Mirrorstage.Infrastructure.Telemetry;

namespace Mirrorstage.Functions.Payments;

/// <summary>Each claimed payment's verify + settle: its outcome ("settled", or the refusal's error code) and how long
/// the facilitator or relayer took, by network.</summary>
public static class PaymentMetrics
{
    public static void Record(string outcome, string network, long startedTimestamp)
    {
        var tags = new TagList { { "outcome", outcome }, { "network", network } };
        MirrorstageTelemetry.Payments.Add(1, tags);
        MirrorstageTelemetry.SettlementDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, tags);
    }
}
