using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace Mirrorstage.Infrastructure.Tests.Support;

/// <summary>The request/response nodes: "$cbs" (put-token) and "QUEUE/$management" (renew-lock).</summary>
public sealed partial class ServiceBusBroker
{
    private const string CbsNode = "$cbs";
    private readonly ConditionalWeakTable<AmqpConnection, ConcurrentDictionary<string, DateTime>> _tokens = new();
    private readonly ConcurrentDictionary<string, SendingAmqpLink> _replyLinks = new();

    public ConcurrentQueue<string> TokenTypes { get; } = new();
    public int LockRenewals => _lockRenewals;
    private int _lockRenewals;

    private void AttachNode(AmqpLink link, Func<AmqpMessage, AmqpMessage> handle)
    {
        if (link is SendingAmqpLink replies)
        {
            _replyLinks[((Target)link.Settings.Target).Address.ToString()!] = replies;
            return;
        }
        var requests = (ReceivingAmqpLink)link;
        requests.RegisterMessageListener(request =>
        {
            requests.DisposeMessage(request, AmqpConstants.AcceptedOutcome, true, false);
            var response = handle(request);
            response.Properties.CorrelationId = request.Properties.MessageId;
            var replyTo = request.Properties.ReplyTo?.ToString() ?? "";
            if (_replyLinks.TryGetValue(replyTo, out var reply))
                reply.SendMessageNoWait(response, new ArraySegment<byte>(Guid.NewGuid().ToByteArray()), default);
            else Log.Enqueue($"no reply link for '{replyTo}'");
        });
    }

    /// <summary>put-token: a SAS token for this namespace's key, in force until its expiry.</summary>
    private AmqpMessage PutToken(AmqpMessage request)
    {
        var map = request.ApplicationProperties.Map;
        var type = map["type"] as string ?? "";
        var audience = map["name"] as string ?? "";
        var token = request.ValueBody?.Value as string ?? "";
        TokenTypes.Enqueue(type);
        Log.Enqueue($"put-token {type} for {audience}");
        if (map["operation"] as string != "put-token") return Status("status-code", 400, "Unknown operation.");
        if (type != "servicebus.windows.net:sastoken") return Status("status-code", 400, $"Token type '{type}' is not accepted here.");
        if (SasExpiry(token, audience) is not { } expiry) return Status("status-code", 401, "InvalidSignature: the token is not valid for this key and audience.");
        _tokens.GetOrCreateValue(request.Link.Session.Connection)[audience] = expiry;
        return Status("status-code", 202, "Accepted");
    }

    /// <summary>SharedAccessSignature sr=URI&amp;sig=HMACSHA256(key, URI + "\n" + se)&amp;se=EXPIRY&amp;skn=KEYNAME.</summary>
    private DateTime? SasExpiry(string token, string audience)
    {
        const string prefix = "SharedAccessSignature ";
        if (!token.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var fields = HttpUtility.ParseQueryString(token[prefix.Length..]);
        if (fields["skn"] != KeyName || fields["sr"] is not { } resource || fields["sig"] is not { } sig || !long.TryParse(fields["se"], out var se)) return null;
        if (!Covers(resource, audience)) return null;
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Key));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(System.Net.WebUtility.UrlEncode(resource) + "\n" + se)));
        var expiry = DateTimeOffset.FromUnixTimeSeconds(se).UtcDateTime;
        return expected == sig && expiry > DateTime.UtcNow ? expiry : null;
    }

    private void RequireToken(AmqpConnection connection, string entity)
    {
        var now = DateTime.UtcNow;
        var covered = _tokens.TryGetValue(connection, out var tokens) && tokens.Any(t => t.Value > now && Covers(t.Key, $"sb://{Host}/{entity}"));
        if (!covered) throw new AmqpException(AmqpErrorCode.UnauthorizedAccess, $"Unauthorized access. No valid token for '{entity}'.");
    }

    /// <summary>A token's resource covers a URI on the same host whose path it prefixes; the scheme does not count
    /// (the SDK signs "amqps://HOST/" and asks for "amqp://HOST/QUEUE").</summary>
    private static bool Covers(string resource, string target)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var r) || !Uri.TryCreate(target, UriKind.Absolute, out var t)) return false;
        var prefix = r.AbsolutePath.Trim('/');
        var path = t.AbsolutePath.Trim('/');
        return r.Host.Equals(t.Host, StringComparison.OrdinalIgnoreCase)
            && (prefix.Length == 0 || path.Equals(prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>com.microsoft:renew-lock {lock-tokens: uuid[]} -> {expirations: timestamp[]}, or 410 when a lock lapsed.</summary>
    private AmqpMessage Manage(BrokerQueue queue, AmqpMessage request)
    {
        var operation = request.ApplicationProperties.Map["operation"] as string;
        var body = (AmqpMap)request.ValueBody.Value;
        var tokens = (Guid[])body[new MapKey("lock-tokens")];
        Log.Enqueue($"management {operation}");
        if (operation == "com.microsoft:update-disposition") return UpdateDisposition(queue, tokens, body);
        if (operation != "com.microsoft:renew-lock") return Status("statusCode", 501, $"'{operation}' is not served here.");
        var expirations = new List<DateTime>();
        foreach (var token in tokens)
        {
            if (queue.RenewLock(token) is not { } until)
                return Status("statusCode", 410, "The lock supplied is invalid.", "com.microsoft:message-lock-lost");
            expirations.Add(until);
        }
        Interlocked.Increment(ref _lockRenewals);
        var response = AmqpMessage.Create(new AmqpValue { Value = new AmqpMap { [new MapKey("expirations")] = expirations.ToArray() } });
        response.ApplicationProperties.Map["statusCode"] = 200;
        return response;
    }

    /// <summary>com.microsoft:update-disposition: settles by lock token (disposition-status completed, abandoned or
    /// suspended = dead-lettered, with deadletter-reason/-description and properties-to-modify).</summary>
    private static AmqpMessage UpdateDisposition(BrokerQueue queue, Guid[] tokens, AmqpMap body)
    {
        var status = body[new MapKey("disposition-status")] as string;
        var changes = body[new MapKey("properties-to-modify")] as AmqpMap;
        foreach (var token in tokens)
        {
            var settled = queue.Settle(token, status switch
            {
                "completed" => new Accepted(),
                "abandoned" => new Modified { MessageAnnotations = ToFields(changes) },
                "suspended" => new Rejected
                {
                    Error = new Error
                    {
                        Condition = new AmqpSymbol("com.microsoft:dead-letter"),
                        Info = new Fields { ["DeadLetterReason"] = body[new MapKey("deadletter-reason")], ["DeadLetterErrorDescription"] = body[new MapKey("deadletter-description")] },
                    },
                },
                _ => new Released(),
            });
            if (!settled) return Status("statusCode", 410, "The lock supplied is invalid.", "com.microsoft:message-lock-lost");
        }
        return Status("statusCode", 200, "OK");
    }

    private static Fields ToFields(AmqpMap? map)
    {
        var fields = new Fields();
        foreach (var kv in map ?? []) fields[kv.Key.Key.ToString()!] = kv.Value;
        return fields;
    }

    private static AmqpMessage Status(string key, int code, string description, string? condition = null)
    {
        var message = AmqpMessage.Create();
        message.ApplicationProperties.Map[key] = code;
        message.ApplicationProperties.Map[key == "statusCode" ? "statusDescription" : "status-description"] = description;
        if (condition is not null) message.ApplicationProperties.Map["errorCondition"] = new AmqpSymbol(condition);
        return message;
    }
}
