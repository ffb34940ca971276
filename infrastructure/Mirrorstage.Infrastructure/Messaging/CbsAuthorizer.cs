using Amqp;
using Amqp.Framing;
using Azure.Core;

namespace Mirrorstage.Infrastructure.Messaging;

/// <summary>AMQP claims-based security, as Azure Service Bus speaks it: on a connection opened with SASL
/// ANONYMOUS, a request/response link pair on the "$cbs" node carries `put-token` requests (type "jwt", name
/// = the entity's audience, body = an Entra access token). Links to an entity are accepted only after its
/// token was put. Tokens are put again before they expire; when that keeps failing past the expiry the
/// connection is closed, so its users reconnect instead of working on a connection the broker will drop.</summary>
public sealed class CbsAuthorizer : IAsyncDisposable
{
    public const string Node = "$cbs";
    private readonly Connection _connection;
    private readonly TokenCredential _credential;
    private readonly string _scope;
    private readonly IReadOnlyList<string> _audiences;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Session? _session;
    private SenderLink? _requests;
    private ReceiverLink? _responses;
    private string _replyTo = "";
    private Task _refresh = Task.CompletedTask;

    public CbsAuthorizer(Connection connection, TokenCredential credential, string scope, IReadOnlyList<string> audiences, TimeProvider? clock = null)
    {
        (_connection, _credential, _scope, _audiences, _clock) = (connection, credential, scope, audiences, clock ?? TimeProvider.System);
    }

    /// <summary>When the token last put expires.</summary>
    public DateTimeOffset ExpiresOn { get; private set; }

    /// <summary>Puts a token for every audience, then keeps them fresh in the background.</summary>
    public async Task AuthorizeAsync(CancellationToken ct)
    {
        _session = new Session(_connection);
        _replyTo = "mirrorstage-cbs-" + Guid.NewGuid().ToString("N")[..12];
        _requests = new SenderLink(_session, _replyTo + "-requests", Node);
        _responses = new ReceiverLink(_session, _replyTo + "-responses",
            new Attach { Source = new Source { Address = Node }, Target = new Target { Address = _replyTo } }, null);
        await PutAllAsync(ct);
        _refresh = RefreshLoopAsync(_stop.Token);
    }

    private async Task PutAllAsync(CancellationToken ct)
    {
        var token = await _credential.GetTokenAsync(new TokenRequestContext([_scope]), ct);
        await _gate.WaitAsync(ct);
        try
        {
            foreach (var audience in _audiences) await PutTokenAsync(token, audience);
            ExpiresOn = token.ExpiresOn;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task PutTokenAsync(AccessToken token, string audience)
    {
        var id = Guid.NewGuid().ToString("N");
        var request = new Message(token.Token)
        {
            Properties = new Properties { MessageId = id, ReplyTo = _replyTo },
            ApplicationProperties = new ApplicationProperties
            {
                Map =
                {
                    ["operation"] = "put-token",
                    ["type"] = "jwt",
                    ["name"] = audience,
                    ["expiration"] = token.ExpiresOn.UtcDateTime,
                },
            },
        };
        _responses!.SetCredit(1, autoRestore: false);
        await _requests!.SendAsync(request);
        var response = await _responses.ReceiveAsync(TimeSpan.FromSeconds(30))
            ?? throw new AmqpException(ErrorCode.InternalError, $"No answer from {Node} to put-token for {audience}.");
        _responses.Accept(response);
        if (response.Properties?.CorrelationId is { } correlation && correlation.ToString() != id)
            throw new AmqpException(ErrorCode.InternalError, $"{Node} answered another request ({correlation}).");
        var status = StatusOf(response);
        if (status is not (200 or 202))
        {
            var description = response.ApplicationProperties?.Map["status-description"] as string;
            throw new AmqpException(ErrorCode.UnauthorizedAccess, $"put-token for {audience} was refused with {status}: {description}");
        }
    }

    private static int StatusOf(Message response) =>
        response.ApplicationProperties?.Map["status-code"] is { } code ? Convert.ToInt32(code, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>Renews at 80 % of the token's remaining life (at least 1 s ahead); retries every few seconds on
    /// failure; closes the connection once the last good token has expired.</summary>
    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var left = ExpiresOn - _clock.GetUtcNow();
            var wait = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond / 4, (long)(left.Ticks * 0.8)));
            try
            {
                await Task.Delay(wait, _clock, ct);
                await PutAllAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception)
            {
                if (_clock.GetUtcNow() >= ExpiresOn)
                {
                    try { await _connection.CloseAsync(); } catch (AmqpException) { }
                    return;
                }
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, Math.Max(0.25, left.TotalSeconds / 4))), _clock, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _refresh; } catch (OperationCanceledException) { }
        try { if (_session is { IsClosed: false }) await _session.CloseAsync(); }
        catch (AmqpException) { /* the connection went first */ }
        _stop.Dispose();
    }
}
