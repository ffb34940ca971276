using System.Security.Cryptography;
using System.Text;

namespace Mirrorstage.Events.Billing;

/// <summary>The tamper-evident chain over billing events. Each billing event, as PostgreSQL inserts it, gets the
/// header <c>billing_chain: {n, prev, hash}</c>: its position in the chain, the previous billing event's hash, and
///   hash = hex(SHA-256(UTF-8("mirrorstage-billing-chain-v1\n" + n + "\n" + prev + "\n" + seq_id + "\n" + id + "\n"
///          + stream_id + "\n" + version + "\n" + type + "\n" + timestamp_in_unix_microseconds + "\n" + data))),
/// data being the event's jsonb text as PostgreSQL prints it. The link is made by a trigger inside the appending
/// transaction (BillingChainSchema), so no writer can forget it; the audit recomputes it here, independently.</summary>
public static class BillingChain
{
    public const string Header = "billing_chain";
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string Domain = "mirrorstage-billing-chain-v1";

    public static string Link(long n, string prev, long seqId, Guid id, string streamId, long version, string type,
        DateTimeOffset timestamp, string data)
    {
        var micros = (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var text = string.Join('\n', Domain, n, prev, seqId, id.ToString("D"), streamId, version, type, micros, data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The same link as PostgreSQL computes it in the trigger (NEW is the row being inserted, next_n and prev_hash its position and predecessor).</summary>
    internal const string LinkSql = $"""
        encode(sha256(convert_to('{Domain}' || E'\n' || next_n::text || E'\n' || prev_hash || E'\n' || NEW.seq_id::text || E'\n'
          || NEW.id::text || E'\n' || NEW.stream_id || E'\n' || NEW.version::text || E'\n' || NEW.type || E'\n'
          || trunc(extract(epoch from NEW.timestamp) * 1000000)::bigint::text || E'\n' || NEW.data::text, 'UTF8')), 'hex')
        """;
}
