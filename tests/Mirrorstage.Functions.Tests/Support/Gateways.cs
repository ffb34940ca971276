using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.X402.Facilitators;
using Npgsql;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>The real gateway app over HTTP (in-memory server) against the real PostgreSQL: the suites' shared
/// database, or a database of its own (made new) when one is named.</summary>
public class GatewayFactory(IDictionary<string, string?> settings, string? database = null) : WebApplicationFactory<Program>
{
    public const string DatabaseName = "mirrorstage_tests";
    // Idle connections are pruned within seconds, so a test that restarts PostgreSQL leaves no dead pooled
    // connection behind for the next test's first query.
    public static readonly string Connection = TestEnvironment.Database(DatabaseName) + ";Connection Idle Lifetime=2;Connection Pruning Interval=1";

    public string ConnectionString { get; } = database is null ? Connection : TestEnvironment.Database(database);

    public ScriptedFacilitator Facilitator { get; } = new();
    public ScriptedProbes Probes { get; } = new();
    public string JournalFolder { get; } = Path.Combine(Path.GetTempPath(), "mirrorstage-test-journal-" + Guid.NewGuid().ToString("N"));
    public string BlobFolder { get; } = Path.Combine(Path.GetTempPath(), "mirrorstage-test-blobs-" + Guid.NewGuid().ToString("N"));

    /// <summary>Every setting the app gets: the suites' defaults, then this factory's own.</summary>
    public Dictionary<string, string?> AppSettings()
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = ConnectionString,
            // These suites run without a live worker: the fleet is an autoscaler's headroom. Capacity suites set it.
            ["Mirrorstage:Capacity:ScaleOutHeadroom"] = "100000",
            ["Mirrorstage:Outputs:AllowedPorts"] = TestEnvironment.OutputPorts,
            // The suites send many requests from one (unknown) client address: fair use is tested on its own.
            ["Mirrorstage:RateLimits:Enabled"] = "false",
            ["Mirrorstage:Gateway:TokenSecret"] = "J1auxctu8q6xeRAEQS0SMRdtEFfa1pLcsDjWLgCyol4=",
            ["Mirrorstage:Gateway:PublicBaseUrl"] = "https://render.test",
            ["Mirrorstage:Blobs:Folder"] = BlobFolder,
            ["Mirrorstage:Payments:Journal:Folder"] = JournalFolder,
            // The tests run the journal replay and the reconciler themselves, at the moment they choose.
            ["Mirrorstage:Payments:Journal:ReplaySeconds"] = "3600",
            ["Mirrorstage:Payments:Reconciler:IntervalSeconds"] = "3600",
        };
        foreach (var (key, value) in settings) all[key] = value;
        return all;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in AppSettings()) builder.UseSetting(key, value);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<IFacilitatorRouter>(Facilitator);
            s.AddSingleton<Mirrorstage.Functions.Payments.ISettlementProbes>(Probes);
            s.ConfigureMarten(o => o.Listeners.Add(new AppendFault()));
        });
    }

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public T Hosted<T>() => Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<T>().Single();

    public async Task<long> CountEventsAsync()
    {
        _ = Server; // the app creates the schema when it starts: a count before the first request must not miss it
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from mirrorstage.mt_events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<object>> EventsOfAsync(string streamId)
    {
        await using var session = Store.QuerySession();
        return (await session.Events.FetchStreamAsync(streamId)).Select(e => e.Data).ToList();
    }
}

/// <summary>The local default: price 0, outputs on loopback allowed.</summary>
public sealed class FreeGateway() : GatewayFactory(new Dictionary<string, string?>
{
    ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
});

/// <summary>Production settings: $0.10/min on Base Sepolia and Solana devnet, no private output hosts.</summary>
public sealed class PaidGateway() : GatewayFactory(Settings)
{
    public static Dictionary<string, string?> Settings => new()
    {
        ["Mirrorstage:Pricing:PricePerMinuteUsd"] = "0.10",
        ["Mirrorstage:Payments:Networks:0:Network"] = "base-sepolia", // a known name: asset and EIP-712 domain filled in
        ["Mirrorstage:Payments:Networks:0:PayTo"] = "0x000000000000000000000000000000000000dEaD",
        ["Mirrorstage:Payments:Networks:0:FacilitatorUrl"] = "http://127.0.0.1:9/unused-scripted",
        // The scripted facilitator decides here; real signatures are checked in the x402 and conformance suites.
        ["Mirrorstage:Payments:Networks:0:VerifyLocally"] = "false",
        ["Mirrorstage:Payments:Networks:1:Network"] = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
        ["Mirrorstage:Payments:Networks:1:Asset"] = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
        ["Mirrorstage:Payments:Networks:1:PayTo"] = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
        ["Mirrorstage:Payments:Networks:1:FeePayer"] = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9",
        ["Mirrorstage:Payments:Networks:1:FacilitatorUrl"] = "http://127.0.0.1:9/unused-scripted",
        ["Mirrorstage:Payments:Networks:2:Network"] = "eip155:8453",
        ["Mirrorstage:Payments:Networks:2:Enabled"] = "false",
        ["Mirrorstage:Payments:Networks:2:Asset"] = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        ["Mirrorstage:Payments:Networks:2:PayTo"] = "0x000000000000000000000000000000000000dEaD",
    };
}

/// <summary>LiveKit configured: the default output and viewer tokens. No worker and no scale-out headroom, in a
/// database of its own (no other suite's worker leases): no capacity.</summary>
public sealed class LiveKitGateway() : GatewayFactory(new Dictionary<string, string?>
{
    ["Mirrorstage:LiveKit:Url"] = "wss://livekit.render.test",
    ["Mirrorstage:LiveKit:ApiKey"] = "APIkey123",
    ["Mirrorstage:LiveKit:ApiSecret"] = "livekit-secret-livekit-secret-livekit-secret",
    ["Mirrorstage:Capacity:ScaleOutHeadroom"] = "0",
}, "mirrorstage_tests_livekit");

/// <summary>Reference images in Azure Blob Storage (Azurite).</summary>
public sealed class AzureBlobGateway() : GatewayFactory(new Dictionary<string, string?>
{
    ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
    ["Mirrorstage:Blobs:Provider"] = "azure",
    ["Mirrorstage:Blobs:AzureConnectionString"] = TestEnvironment.AzuriteConnectionString,
    ["Mirrorstage:Blobs:AzureContainer"] = "test-" + Guid.NewGuid().ToString("N")[..12],
});

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<FreeGateway>, ICollectionFixture<PaidGateway>,
    ICollectionFixture<LiveKitGateway>, ICollectionFixture<AzureBlobGateway>
{
    // One collection: the suites share a database and count its events, so they run one after another.
    public const string Name = "gateway";
}
