using Marten;
using Microsoft.Extensions.Options;
using Mirrorstage.Events;
using Mirrorstage.Infrastructure.Hosting;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Infrastructure.Outputs;
using Mirrorstage.Infrastructure.Messaging;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Functions.Api;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Functions.Health;
using Mirrorstage.Infrastructure.Telemetry;
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
        builder.Services.AddGatewayServices(builder.Configuration);
        builder.WebHost.ConfigureKestrel((context, k) =>
            RequestLimits.Apply(k.Limits, context.Configuration.GetSection(ImageOptions.Section).Get<ImageOptions>() ?? new ImageOptions()));
    }

    /// <summary>Everything the slices need, for Kestrel and for the Azure Functions worker alike.</summary>
    public static void AddGatewayServices(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .PostConfigure<IOptions<PricingOptions>>((o, pricing) =>
                o.TokenSecret = TokenSecret.Resolve(o.TokenSecret, config, paid: pricing.Value.Charges))
            .Validate(o => o.TrustedProxies.All(p => ProxyHeaders.Parse(p) is not null),
                "Mirrorstage:Gateway:TrustedProxies: each entry must be an IP address or a CIDR network (10.0.0.0/8).")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, TokenSecretValidator>();
        services.AddProxyHeaders();
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

        var database = Infrastructure.Database.EventStoreDataSource.Create(config);
        services.AddMarten(o => o.UseMirrorstage(database)).UseLightweightSessions().ApplyAllDatabaseChangesOnStartup();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<SessionResponses>();
        services.AddOutputHosts();
        services.AddSingleton<OutputUrlPolicy>();
        services.AddRenderCapacity();
        services.AddSingleton<IBlobStore>(sp => BlobStores.Create(sp.GetRequiredService<IOptions<BlobOptions>>().Value));
        services.AddWarmQueue();
        services.AddHttpClient("x402-facilitator", c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient("evm-rpc", c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<IFacilitatorRouter, FacilitatorRouter>();
        services.AddPayments();

        services.AddRequestLogs();
        services.AddRateLimits();
        if (services.AddMirrorstageTelemetry(config, "mirrorstage-gateway")) services.AddHostedService<SessionStatusMetrics>();

        services.ConfigureHttpJsonOptions(o => AppJson.Configure(o.SerializerOptions));
        services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyMethod()
            .WithHeaders("Authorization", "Content-Type", X402Headers.PaymentSignature, CreditChallenges.ChallengeHeader, CreditChallenges.SignatureHeader, ClientKeys.Header)
            .WithExposedHeaders(X402Headers.PaymentRequired, X402Headers.PaymentResponse, CreditChallenges.ChallengeHeader)));
    }

    public static void MapGateway(this WebApplication app)
    {
        app.UseProxyHeaders(); // Kestrel only: the Functions worker applies its host's forwarding itself
        app.UseGatewayMiddleware();
        app.MapGatewayEndpoints();
    }

    /// <summary>What runs around every slice, in this order, on Kestrel and in the Azure Functions worker alike:
    /// the session's log scope (first: the request line is written inside it too), token-safe request logs, the
    /// error shape, CORS, then fair-use limits.</summary>
    public static void UseGatewayMiddleware(this IApplicationBuilder app)
    {
        app.UseSessionScope();
        app.UseRequestLogs();
        app.UseApiErrors();
        app.UseCors();
        app.UseRateLimiter();
    }

    /// <summary>Every slice's endpoints: Kestrel serves them as mapped, the Azure Functions adapters run the same ones.</summary>
    public static void MapGatewayEndpoints(this IEndpointRouteBuilder app)
    {
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
