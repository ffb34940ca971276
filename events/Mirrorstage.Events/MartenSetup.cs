using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Mirrorstage.Events.Billing;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Events;

public static class MartenSetup
{
    public const string Schema = "mirrorstage";

    /// <summary>The one place the event store is described: streams, projections, documents, indexes.</summary>
    public static void UseMirrorstage(this StoreOptions opts, string connectionString) =>
        opts.UseMirrorstage(Npgsql.NpgsqlDataSource.Create(connectionString));

    /// <summary>The same, through a data source (one that signs in with Entra tokens, say).</summary>
    public static void UseMirrorstage(this StoreOptions opts, Npgsql.NpgsqlDataSource dataSource)
    {
        opts.Connection(dataSource);
        opts.DatabaseSchemaName = Schema;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.MetadataConfig.HeadersEnabled = true; // billing events carry their chain link there

        opts.Projections.LiveStreamAggregation<Session>();
        opts.Projections.LiveStreamAggregation<Wallet>();
        opts.Projections.Add<SessionViewProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<WalletBalanceProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<BillingLedgerProjection>(ProjectionLifecycle.Inline);

        opts.Schema.For<SessionView>().Index(x => x.TokenHash);
        opts.Schema.For<BillingLedger>().Index(x => x.SessionId!).Index(x => x.Wallet!);
        opts.Schema.For<PaymentClaim>();
        opts.Schema.For<PaymentRecord>();
        opts.Schema.For<WorkerLease>();
        opts.Storage.Add(new BillingChainFeature(opts));
    }
}
