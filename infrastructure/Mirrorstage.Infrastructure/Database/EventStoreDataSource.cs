using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Mirrorstage.Infrastructure.Database;

/// <summary>The one PostgreSQL data source gateway and worker open the event store through.</summary>
public static class EventStoreDataSource
{
    public static NpgsqlDataSource Create(IConfiguration config, TokenCredential? credential = null)
    {
        var connection = config.GetConnectionString("Marten")
            ?? throw new InvalidOperationException("ConnectionStrings:Marten is not set (a PostgreSQL connection string).");
        var options = config.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.Problem() is { } problem) throw new InvalidOperationException(problem);

        var builder = new NpgsqlDataSourceBuilder(connection);
        if (options.Authentication == "entra")
        {
            var tokens = credential ?? new DefaultAzureCredential();
            var context = new TokenRequestContext([options.TokenScope]);
            // Tokens live about an hour: a fresh one every 45 minutes, retried after 10 s if Entra cannot be reached.
            builder.UsePeriodicPasswordProvider(
                async (_, ct) => (await tokens.GetTokenAsync(context, ct)).Token,
                TimeSpan.FromMinutes(45), TimeSpan.FromSeconds(10));
        }
        return builder.Build();
    }
}
