using Azure.Core;
using Microsoft.Extensions.Configuration;
using Mirrorstage.Infrastructure.Database;

namespace Mirrorstage.Infrastructure.Tests;

public sealed class EventStoreDataSourceTests
{
    private static readonly string Connection =
        $"Host=127.0.0.1;Port={Environment.GetEnvironmentVariable("MIRRORSTAGE_PG_PORT") ?? "55432"};Username=postgres;Database=postgres";

    private sealed class CountingCredential : TokenCredential
    {
        public List<string[]> Scopes { get; } = [];
        public override AccessToken GetToken(TokenRequestContext context, CancellationToken ct) => GetTokenAsync(context, ct).AsTask().Result;
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext context, CancellationToken ct)
        {
            lock (Scopes) Scopes.Add(context.Scopes);
            return ValueTask.FromResult(new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    private static IConfiguration Settings(string? authentication)
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Marten"] = Connection };
        if (authentication is not null) settings["Mirrorstage:Database:Authentication"] = authentication;
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    [Fact]
    public async Task With_entra_every_connection_signs_in_with_a_token_for_azure_postgres()
    {
        var credential = new CountingCredential();
        await using var source = EventStoreDataSource.Create(Settings("entra"), credential);
        await using var connection = await source.OpenConnectionAsync();

        var scopes = Assert.Single(credential.Scopes.DistinctBy(s => string.Join(' ', s)));
        Assert.Equal(["https://ossrdbms-aad.database.windows.net/.default"], scopes);
    }

    [Fact]
    public async Task By_default_no_token_is_asked_for()
    {
        var credential = new CountingCredential();
        await using var source = EventStoreDataSource.Create(Settings(null), credential);
        await using var connection = await source.OpenConnectionAsync();

        Assert.Empty(credential.Scopes);
    }

    [Fact]
    public void An_unknown_authentication_is_refused_with_its_name()
    {
        var e = Assert.Throws<InvalidOperationException>(() => EventStoreDataSource.Create(Settings("kerberos")));
        Assert.Contains("kerberos", e.Message);
    }
}
