using Amqp;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>An open AMQP connection (SASL PLAIN with the address's credentials) and its session.</summary>
public sealed class AmqpLinkHost(Connection connection) : IAsyncDisposable
{
    public Session Session { get; } = new(connection);
    public bool IsClosed => connection.IsClosed;

    public static async Task<AmqpLinkHost> OpenAsync(QueueOptions o) => new(await Connection.Factory.CreateAsync(new Address(o.Address)));

    public async ValueTask DisposeAsync()
    {
        try { if (!connection.IsClosed) await connection.CloseAsync(); }
        catch (AmqpException) { /* already gone */ }
    }
}
