using System.Diagnostics;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>Stops and starts the tests' own PostgreSQL (scripts/postgres.sh, under MIRRORSTAGE_STATE), for the
/// fault "the store went down between settlement and record".</summary>
public static class LocalPostgres
{
    public static void Stop() => Run("stop");

    public static void Start()
    {
        Run("start");
        Npgsql.NpgsqlConnection.ClearAllPools(); // the pools still hold connections to the stopped server
        Thread.Sleep(3000);                       // and the gateways' data sources prune theirs (GatewayFactory.Connection)
    }

    private static void Run(string verb)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "postgres.sh"), verb])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        process.WaitForExit(60_000);
        if (process.ExitCode != 0) throw new InvalidOperationException($"postgres.sh {verb}: {process.StandardError.ReadToEnd()}");
    }
}
