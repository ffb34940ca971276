using Npgsql;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>The real services the tests talk to, as started by scripts/services.sh.</summary>
public static class TestEnvironment
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedFixtures => Path.Combine(RepoRoot, "..", "shared", "fixtures");

    /// <summary>Images made or extracted by scripts/install-deps.sh (a real cat photo, for "no face").</summary>
    public static string TestData => Environment.GetEnvironmentVariable("MIRRORSTAGE_TESTDATA")
        ?? Path.Combine(Environment.GetEnvironmentVariable("MIRRORSTAGE_STATE") ?? "/tmp/mirrorstage-services", "testdata");

    public static string PostgresServer => Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_POSTGRES")
        ?? $"Host=127.0.0.1;Port={Environment.GetEnvironmentVariable("MIRRORSTAGE_PG_PORT") ?? "55432"};Username=postgres";

    public static string Amqp => Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AMQP") ?? "amqp://guest:guest@127.0.0.1:5672";

    public static string RtmpPort => Environment.GetEnvironmentVariable("MIRRORSTAGE_RTMP_PORT") ?? "51935";

    /// <summary>The output ports the tests' gateways and workers allow: the defaults and the local nginx-rtmp's.</summary>
    public static string OutputPorts => "1935,443," + RtmpPort;

    /// <summary>A fresh stream key on the local nginx-rtmp.</summary>
    public static string NewRtmpUrl(string host = "127.0.0.1") => $"rtmp://{host}:{RtmpPort}/live/{Guid.NewGuid():N}";

    public static string AzuriteConnectionString =>
        Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AZURITE")
        ?? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
           "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
           $"BlobEndpoint=http://127.0.0.1:{Environment.GetEnvironmentVariable("MIRRORSTAGE_AZURITE_PORT") ?? "55100"}/devstoreaccount1;";

    /// <summary>A database of the tests' own on the test server, made new for each test run so that
    /// what a test counts was written by this run only.</summary>
    public static string Database(string name)
    {
        using (var admin = new NpgsqlConnection(PostgresServer + ";Database=postgres"))
        {
            admin.Open();
            new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin).ExecuteNonQuery();
            new NpgsqlCommand($"create database \"{name}\"", admin).ExecuteNonQuery();
        }
        return $"{PostgresServer};Database={name};Maximum Pool Size=200";
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mirrorstage.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Mirrorstage.sln not found above " + AppContext.BaseDirectory);
    }
}
