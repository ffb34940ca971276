using Amqp;
using Amqp.Sasl;
using Azure.Core;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>An open AMQP connection, with its CBS authorizer when it uses Entra tokens.</summary>
public sealed class AmqpLinkHost(Connection connection, CbsAuthorizer? cbs) : IAsyncDisposable
{
    public Connection Connection { get; } = connection;
    public Session Session { get; } = new(connection);
    public bool IsClosed => Connection.IsClosed;

    public async ValueTask DisposeAsync()
    {
        if (cbs is not null) await cbs.DisposeAsync();
        try { if (!Connection.IsClosed) await Connection.CloseAsync(); }
        catch (AmqpException) { /* already gone */ }
    }
}

/// <summary>Opens connections as "Mirrorstage:Queue" says. Authentication "sas" (default): SASL PLAIN with the
/// credentials in the address (RabbitMQ's guest, or a Service Bus SAS key name and key). "entra": SASL
/// ANONYMOUS, then a CBS put-token with a Microsoft Entra token for every entity the links will use.</summary>
public static class AmqpConnector
{
    public static async Task<AmqpLinkHost> OpenAsync(AmqpOptions o, TokenCredential? credential, IEnumerable<string> entities, CancellationToken ct)
    {
        var address = new Address(o.Address);
        if (!o.UsesEntra)
            return new AmqpLinkHost(await Connection.Factory.CreateAsync(address), null);

        var factory = new ConnectionFactory();
        factory.SASL.Profile = SaslProfile.Anonymous;
        var connection = await factory.CreateAsync(new Address(address.Host, address.Port, null, null, address.Path, address.Scheme));
        var cbs = new CbsAuthorizer(connection, credential ?? new Azure.Identity.DefaultAzureCredential(), o.TokenScope,
            [.. entities.Select(e => o.AudienceOf(address.Host, e))]);
        try
        {
            await cbs.AuthorizeAsync(ct);
        }
        catch
        {
            await cbs.DisposeAsync();
            try { await connection.CloseAsync(); } catch (AmqpException) { }
            throw;
        }
        return new AmqpLinkHost(connection, cbs);
    }
}
