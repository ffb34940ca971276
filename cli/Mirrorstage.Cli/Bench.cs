using System.Diagnostics;

namespace Mirrorstage.Cli;

/// <summary>Prints throughput and latency percentiles of the gateway's hot paths against a running gateway.</summary>
public static class Bench
{
    public static async Task<int> RunAsync(CliOptions o)
    {
        using var http = GatewayClient.CreateHttp(o.Url, Math.Max(o.Concurrency, 8));
        var api = new GatewayClient(http);
        var face = await File.ReadAllBytesAsync(o.Face);
        Console.WriteLine($"gateway {o.Url}, {Environment.ProcessorCount} cores, face {Path.GetFileName(o.Face)} ({face.Length} bytes)");

        // POST /v1/sessions at price 0: form parsing, face detection and crop, blob writes, event append.
        for (var i = 0; i < 5; i++) await api.CreateSessionAsync(face, Path.GetFileName(o.Face)); // warm up
        var createMs = new List<double>(o.Creates);
        string? id = null, token = null;
        for (var i = 0; i < o.Creates; i++)
        {
            var sw = Stopwatch.StartNew();
            var (status, body) = await api.CreateSessionAsync(face, Path.GetFileName(o.Face));
            createMs.Add(sw.Elapsed.TotalMilliseconds);
            if (status != 201) { Console.Error.WriteLine($"POST /v1/sessions answered {status}: {body}"); return 1; }
            id = body!["session_id"]!.GetValue<string>();
            token = body["token"]!.GetValue<string>();
        }
        Report($"POST /v1/sessions (price 0), {o.Creates} sequential", createMs, null);

        // GET /v1/sessions/{id}: closed loop, `concurrency` clients for `seconds`.
        var path = $"v1/sessions/{id}";
        for (var i = 0; i < 200; i++) await api.SendAsync(HttpMethod.Get, path, token);
        var deadline = Stopwatch.StartNew();
        var perClient = await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(async _ =>
        {
            var samples = new List<double>(4096);
            while (deadline.Elapsed.TotalSeconds < o.Seconds)
            {
                var sw = Stopwatch.StartNew();
                var (status, _) = await api.SendAsync(HttpMethod.Get, path, token);
                samples.Add(sw.Elapsed.TotalMilliseconds);
                if (status != 200) throw new InvalidOperationException($"GET answered {status}");
            }
            return samples;
        }));
        var elapsed = deadline.Elapsed.TotalSeconds;
        Report($"GET /v1/sessions/{{id}}, {o.Concurrency} concurrent clients, {o.Seconds} s", perClient.SelectMany(s => s).ToList(), elapsed);
        return 0;
    }

    private static void Report(string what, List<double> ms, double? seconds)
    {
        ms.Sort();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        var rate = seconds is { } s ? $"  {ms.Count / s,8:F0} req/s" : "";
        Console.WriteLine($"{what}\n  n={ms.Count}{rate}  p50 {P(0.50):F2} ms  p90 {P(0.90):F2} ms  p99 {P(0.99):F2} ms  max {ms[^1]:F2} ms");
    }
}
