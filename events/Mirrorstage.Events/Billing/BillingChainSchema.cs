using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;

namespace Mirrorstage.Events.Billing;

/// <summary>Installs the billing chain with the rest of the schema: the chain's head, the trigger that links each
/// billing event as it is inserted, and a lock that orders appends. Every append takes one advisory lock before it
/// touches a stream row (a statement trigger on mt_streams), so the chain's head is never contended in the other
/// order and two transactions never deadlock on it; billing appends are thereby serialised, which is the point.</summary>
public sealed class BillingChainSchema(StoreOptions options) : ISchemaObject
{
    private const string S = MartenSetup.Schema;
    private const long LockKey = 0x6d69727273746167; // "mirrstag"

    public DbObjectName Identifier { get; } = PostgresqlProvider.Instance.Parse(S, "billing_chain_link");

    public IEnumerable<DbObjectName> AllNames() => [Identifier];

    private string BillingTypes() => string.Join(", ",
        BillingEvents.All.Select(t => $"'{((Marten.Events.EventGraph)options.Events).EventMappingFor(t).EventTypeName}'"));

    private string Sql() => $"""
        CREATE TABLE IF NOT EXISTS {S}.billing_chain_head (id int PRIMARY KEY, n bigint NOT NULL, hash text NOT NULL);
        INSERT INTO {S}.billing_chain_head VALUES (1, 0, '{BillingChain.Genesis}') ON CONFLICT (id) DO NOTHING;
        CREATE OR REPLACE FUNCTION {S}.billing_chain_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_advisory_xact_lock({LockKey}); RETURN NULL; END $$;
        CREATE OR REPLACE FUNCTION {S}.billing_chain_link() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE next_n bigint; prev_hash text; link text;
        BEGIN
          PERFORM pg_advisory_xact_lock({LockKey});
          SELECT h.n + 1, h.hash INTO next_n, prev_hash FROM {S}.billing_chain_head h WHERE h.id = 1 FOR UPDATE;
          link := {BillingChain.LinkSql};
          UPDATE {S}.billing_chain_head SET n = next_n, hash = link WHERE id = 1;
          NEW.headers := (CASE WHEN jsonb_typeof(NEW.headers) = 'object' THEN NEW.headers ELSE jsonb_build_object() END)
            || jsonb_build_object('{BillingChain.Header}', jsonb_build_object('n', next_n, 'prev', prev_hash, 'hash', link));
          RETURN NEW;
        END $$;
        COMMENT ON FUNCTION {S}.billing_chain_link() IS '{Marker()}';
        DROP TRIGGER IF EXISTS mirrorstage_billing_chain_order ON {S}.mt_streams;
        CREATE TRIGGER mirrorstage_billing_chain_order BEFORE INSERT OR UPDATE ON {S}.mt_streams
          FOR EACH STATEMENT EXECUTE FUNCTION {S}.billing_chain_order();
        DROP TRIGGER IF EXISTS mirrorstage_billing_chain ON {S}.mt_events;
        CREATE TRIGGER mirrorstage_billing_chain BEFORE INSERT ON {S}.mt_events
          FOR EACH ROW WHEN (NEW.type IN ({BillingTypes()})) EXECUTE FUNCTION {S}.billing_chain_link();
        CREATE INDEX IF NOT EXISTS mt_events_billing_chain_n ON {S}.mt_events ((((headers -> '{BillingChain.Header}') ->> 'n')::bigint))
          WHERE headers ? '{BillingChain.Header}';
        """;

    /// <summary>Names the installed version: a changed list of billing events or trigger re-installs it.</summary>
    private string Marker() => "billing-chain " + Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(BillingTypes() + BillingChain.LinkSql)))[..16];

    public void WriteCreateStatement(Migrator migrator, TextWriter writer) => writer.WriteLine(Sql());

    public void WriteDropStatement(Migrator rules, TextWriter writer) => writer.WriteLine($"""
        DROP TRIGGER IF EXISTS mirrorstage_billing_chain ON {S}.mt_events;
        DROP TRIGGER IF EXISTS mirrorstage_billing_chain_order ON {S}.mt_streams;
        DROP FUNCTION IF EXISTS {S}.billing_chain_link();
        """);

    public void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder) => builder.Append($"""
        SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
        WHERE s.nspname = '{S}' AND p.proname = 'billing_chain_link'
          AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'mirrorstage_billing_chain')
          AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'mirrorstage_billing_chain_order');
        """);

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct)
    {
        var installed = await reader.ReadAsync(ct) && !await reader.IsDBNullAsync(0, ct) ? reader.GetString(0) : null;
        return new SchemaObjectDelta(this, installed == Marker() ? SchemaPatchDifference.None : SchemaPatchDifference.Create);
    }
}

/// <summary>A feature of its own, so Marten applies it after the event tables it hooks into exist.</summary>
public sealed class BillingChainFeature(StoreOptions options) : FeatureSchemaBase("BillingChain", options.Advanced.Migrator)
{
    protected override IEnumerable<ISchemaObject> schemaObjects() => [new BillingChainSchema(options)];
}
