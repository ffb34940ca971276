using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Infrastructure.Messaging;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Functions.Api;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Functions.Health;
using Mirrorstage.Imaging;
using Mirrorstage.Functions.Outputs;
using Mirrorstage.Functions.Payments;

using Mirrorstage.Functions.Sessions;
using Mirrorstage.X402;
using Mirrorstage.X402.Facilitators;

namespace Mirrorstage.Functions;

public static class GatewayServices
{
    public static void AddGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .PostConfigure(o => o.TokenSecret = TokenSecret.Resolve(o.TokenSecret, config))
            .Validate(o => o.TokenSecret.Length >= 32, "Mirrorstage:Gateway:TokenSecret must be at least 32 characters.")
            .ValidateOnStart();
        services.AddOptions<LiveKitOptions>().BindConfiguration(LiveKitOptions.Section);
        services.AddOptions<PricingOptions>().BindConfiguration(PricingOptions.Section)
            .Validate(p => p.PricePerMinuteUsd >= 0 && p.MinDurationMinutes >= 1 && p.MinDurationMinutes <= p.DefaultDurationMinutes
                           && p.DefaultDurationMinutes <= p.MaxDurationMinutes, "Mirrorstage:Pricing limits are inconsistent.")
            .Validate(p => { try { Price.PerMinuteAtomic(p); return true; } catch (InvalidOperationException) { return false; } },
                "Mirrorstage:Pricing:PricePerMinuteUsd must be a whole number of USDC atomic units (6 decimals).")
            .ValidateOnStart();
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section)
            .PostConfigure(o => o.Networks.ForEach(KnownNetworks.Apply))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PaymentOptions>, PaymentOptionsValidator>();
        services.AddReferenceImages();
        services.AddOptions<BlobOptions>().BindConfiguration(BlobOptions.Section);

        var connection = config.GetConnectionString("Marten")
            ?? throw new InvalidOperationException("ConnectionStrings:Marten is not set (a PostgreSQL connection string).");
        services.AddMarten(o => o.UseMirrorstage(connection)).UseLightweightSessions().ApplyAllDatabaseChangesOnStartup();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<SessionResponses>();
        services.AddSingleton<OutputUrlPolicy>();
        services.AddSingleton<IRenderCapacity, ConfiguredCapacity>();
        services.AddSingleton<IBlobStore>(sp => BlobStores.Create(sp.GetRequiredService<IOptions<BlobOptions>>().Value));
        services.AddOptions<AmqpOptions>().BindConfiguration(AmqpOptions.Section)
            .Validate(o => o.Problem() is null, "Mirrorstage:Queue: Transport must be inprocess or amqp, Authentication sas or entra.").ValidateOnStart();
        services.AddSingleton<InProcessWarmQueue>();
        services.AddSingleton<IWarmQueue>(sp => sp.GetRequiredService<IOptions<AmqpOptions>>().Value switch
        {
            { Transport: "amqp" } amqp => new AmqpWarmQueue(amqp),
            _ => sp.GetRequiredService<InProcessWarmQueue>(),
        });
        services.AddHttpClient("x402-facilitator", c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient("evm-rpc", c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<IFacilitatorRouter, FacilitatorRouter>();
        services.AddScoped<PaymentGate>();
        services.AddSingleton<CreditChallenges>();
        services.AddScoped<CreditGrants>();

        services.ConfigureHttpJsonOptions(o => AppJson.Configure(o.SerializerOptions));
        services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyMethod()
            .WithHeaders("Authorization", "Content-Type", X402Headers.PaymentSignature, CreditChallenges.ChallengeHeader, CreditChallenges.SignatureHeader)
            .WithExposedHeaders(X402Headers.PaymentRequired, X402Headers.PaymentResponse, CreditChallenges.ChallengeHeader)));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 32 * 1024 * 1024);
    }

    public static void MapGateway(this WebApplication app)
    {
        app.UseApiErrors();
        app.UseCors();
        HealthEndpoint.Map(app);
        TermsEndpoint.Map(app);
        CreateSession.Map(app);
        GetSession.Map(app);
        ShareSession.Map(app);
        ExtendSession.Map(app);
        EndSession.Map(app);
        Viewing.ViewCredentials.Map(app);
        Viewing.ViewPage.Map(app);
    }
}
