namespace Mirrorstage.Cli;

// mirrorstage up    [--urls http://127.0.0.1:5080]      gateway + worker in one process (in-process queue, HLS preview)
// mirrorstage demo  [--url URL] [--face PATH]           walk a session through its life on a running gateway
// mirrorstage bench [--url URL] [--face PATH] [...]     gateway throughput and latency
// mirrorstage audit replay | verify | verify-chain      billing replayed from the events (audit --help)
internal static class CliProgram
{
    private static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "up" => await Up.RunAsync(args.Skip(1).ToArray()),
        "demo" => await Demo.RunAsync(CliOptions.Parse(args.Skip(1).ToArray())),
        "bench" => await Bench.RunAsync(CliOptions.Parse(args.Skip(1).ToArray())),
        "audit" => await Audit.AuditCommand.RunAsync(args.Skip(1).ToArray()),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: mirrorstage <command> [options]
              up      run the gateway and a render worker in one process (local all-in-one mode)
              demo    create a session with a face photo on a running gateway, speak to it, walk it through its life
              bench   measure GET /v1/sessions/{id} under concurrent load and POST /v1/sessions latency
              audit   replay, verify and check on chain the billing events (mirrorstage audit --help)
            options:
              --urls URL           up: where to listen (default http://127.0.0.1:5080)
              --url URL            demo/bench: gateway base URL (default http://127.0.0.1:5080)
              --face PATH          face photo (default ../shared/fixtures/faces/astronaut.png)
              --seconds N          bench: length of the GET load (default 10)
              --concurrency N      bench: concurrent GET clients (default 32)
              --creates N          bench: sequential POSTs to time (default 200)
            """);
        return 2;
    }
}
