using Mirrorstage.Cli;

// mirrorstage demo  [--url URL] [--face PATH]
// mirrorstage bench [--url URL] [--face PATH] [--seconds N] [--concurrency N] [--creates N]
var options = CliOptions.Parse(args.Skip(1).ToArray());
return args.FirstOrDefault() switch
{
    "demo" => await Demo.RunAsync(options),
    "bench" => await Bench.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: mirrorstage <command> [options]
          demo    create a session with a face photo on a running gateway and walk it through its life
          bench   measure GET /v1/sessions/{id} under concurrent load and POST /v1/sessions latency
        options:
          --url URL            gateway base URL (default http://127.0.0.1:5080)
          --face PATH          face photo (default ../shared/fixtures/faces/astronaut.png)
          --seconds N          bench: length of the GET load (default 10)
          --concurrency N      bench: concurrent GET clients (default 32)
          --creates N          bench: sequential POSTs to time (default 200)
        """);
    return 2;
}
