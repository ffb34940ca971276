using System.Diagnostics;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.Infrastructure.Telemetry;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>A request about one session logs with {SessionId} in scope and tags its span with the session id.</summary>
[Collection(GatewayCollection.Name)]
public class SessionScopeTests
{
    [Fact]
    public async Task A_session_requests_log_lines_and_span_carry_its_id()
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Mirrorstage:Outputs:AllowPrivateHosts"] = "true",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information", // the request lines
        });
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var (id, token) = (created["session_id"]!.GetValue<string>(), created["token"]!.GetValue<string>());
        var logs = CapturedLogs.On(gateway.Services);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);

        Assert.Equal(200, (int)(await client.SendAsync(WithBearer(HttpMethod.Get, $"/v1/sessions/{id}", token))).StatusCode);
        await client.GetAsync("/health");

        static string[] Scopes(string line) => line.Split(" | scopes: ")[1].Split(' ');
        Assert.Contains(logs.Lines, l => l.Contains($"/v1/sessions/{id}") && Scopes(l).Contains($"SessionId={id}")); // the request line
        Assert.DoesNotContain(logs.Lines, l => l.Contains("/health") && Scopes(l).Any(s => s.StartsWith("SessionId=", StringComparison.Ordinal)));
        bool Tagged() { lock (spans) return spans.Any(s => (string?)s.GetTagItem(MirrorstageTelemetry.SessionTag) == id && s.GetTagItem("http.request.method") is null or "GET"); }
        for (var i = 0; i < 50 && !Tagged(); i++) await Task.Delay(100); // a request's span stops just after its answer
        Assert.True(Tagged(), "the GET request's span carries no session id");
    }
}
