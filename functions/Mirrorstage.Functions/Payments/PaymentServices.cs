using Mirrorstage.Functions.Sessions;
using Mirrorstage.X402.Evm;

namespace Mirrorstage.Functions.Payments;

public static class PaymentServices
{
    /// <summary>The payment flow, the journal and the reconciler.</summary>
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddOptions<PaymentJournalOptions>().BindConfiguration(PaymentJournalOptions.Section);
        services.AddOptions<ReconcilerOptions>().BindConfiguration(ReconcilerOptions.Section);
        services.AddHttpClient("svm-rpc", c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<CreditChallenges>();
        services.AddSingleton<PaymentRequiredAnswers>();
        services.AddSingleton<PaymentReplies>();
        services.AddSingleton<PaymentClaims>();
        services.AddSingleton<PaymentJournal>();
        services.AddSingleton<OrderEvents>();
        services.AddSingleton<WarmRequests>();
        services.AddSingleton<PaymentFulfilment>();
        services.AddSingleton<PaymentSettlements>();
        services.AddSingleton<ISettlementProbes, SettlementProbes>();
        services.AddSingleton<IRelayerNonceLock, PostgresRelayerNonceLock>();
        services.AddScoped<PaymentGate>();
        services.AddScoped<CreditPayments>();
        services.AddHostedService<PaymentJournalReplayer>();
        services.AddHostedService<PaymentReconciler>();
        return services;
    }
}
