using System.Text.Json;

namespace Mirrorstage.Cli;

/// <summary>Walks one session through its life on a running gateway, printing what an agent would see.</summary>
public static class Demo
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static async Task<int> RunAsync(CliOptions o)
    {
        using var http = GatewayClient.CreateHttp(o.Url);
        var api = new GatewayClient(http);

        Step("GET /health");
        var (_, health) = await api.SendAsync(HttpMethod.Get, "health");
        Show(health);

        Step($"POST /v1/sessions with {Path.GetFileName(o.Face)}");
        var (status, created) = await api.CreateSessionAsync(await File.ReadAllBytesAsync(o.Face), Path.GetFileName(o.Face));
        Show(created, status);
        if (status == 402)
        {
            Console.WriteLine("This gateway charges for sessions: pay with an x402 client (see README, Payments).");
            return 0;
        }
        if (status != 201) return 1;
        var id = created!["session_id"]!.GetValue<string>();
        var token = created["token"]!.GetValue<string>();

        Step($"GET /v1/sessions/{id}");
        Show((await api.SendAsync(HttpMethod.Get, $"v1/sessions/{id}", token)).Body);

        Step($"POST /v1/sessions/{id}/share");
        var (_, share) = await api.SendAsync(HttpMethod.Post, $"v1/sessions/{id}/share", token);
        Show(share);
        var shareToken = share!["share_url"]!.GetValue<string>().Split("share=")[1];

        Step($"GET /v1/view/{id}?share=...");
        Show((await api.SendAsync(HttpMethod.Get, $"v1/view/{id}?share={shareToken}")).Body);

        Step($"POST /v1/sessions/{id}/extend {{\"duration_minutes\": 5}}");
        Show((await api.SendAsync(HttpMethod.Post, $"v1/sessions/{id}/extend", token, "{\"duration_minutes\":5}")).Body);

        Step($"DELETE /v1/sessions/{id}");
        Show((await api.SendAsync(HttpMethod.Delete, $"v1/sessions/{id}", token)).Body);
        return 0;
    }

    private static void Step(string what) => Console.WriteLine($"\n== {what}");

    private static void Show(System.Text.Json.Nodes.JsonNode? body, int? status = null)
    {
        if (status is not null) Console.WriteLine($"HTTP {status}");
        Console.WriteLine(body?.ToJsonString(Pretty) ?? "(empty)");
    }
}
