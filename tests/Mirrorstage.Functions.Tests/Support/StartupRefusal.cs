using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mirrorstage.Functions;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>Starts the gateway as Program does (AddGateway, MapGateway, start) with the suites' settings plus
/// these, and returns what its start threw. Not through WebApplicationFactory: when the app's own start fails,
/// the factory's deferred host races the app disposing itself and can report an ObjectDisposedException in place
/// of the app's refusal.</summary>
public static class StartupRefusal
{
    public static async Task<Exception> OfAsync(IDictionary<string, string?> settings)
    {
        using var factory = new GatewayFactory(settings); // never started: only its settings are used
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(factory.AppSettings());
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var refusal = await Record.ExceptionAsync(async () =>
        {
            builder.AddGateway();
            await using var app = builder.Build();
            app.MapGateway();
            await app.StartAsync();
            await app.StopAsync();
        });
        return refusal ?? throw new Xunit.Sdk.XunitException("the gateway started");
    }

    /// <summary>The options validation failure inside what start threw, or null.</summary>
    public static OptionsValidationException? Validation(Exception e) =>
        e as OptionsValidationException ?? e.InnerException as OptionsValidationException
        ?? (e as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
}
