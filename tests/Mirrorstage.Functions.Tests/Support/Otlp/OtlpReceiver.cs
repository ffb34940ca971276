using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mirrorstage.Functions.Tests.Support.Otlp;

/// <summary>An OTLP/HTTP (protobuf) collector on loopback that keeps every span and metric name it is sent.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

    private readonly WebApplication _app;
    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();
    public ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> MetricsByService { get; } = new();
    public string Endpoint { get; }

    private OtlpReceiver(WebApplication app, string endpoint) { _app = app; Endpoint = endpoint; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        OtlpReceiver? receiver = null;
        app.MapPost("/v1/traces", async (HttpRequest r) => { receiver!.Keep(ExportTraceServiceRequest.Parser.ParseFrom(await Body(r))); return Results.Ok(); });
        app.MapPost("/v1/metrics", async (HttpRequest r) => { receiver!.Keep(ExportMetricsServiceRequest.Parser.ParseFrom(await Body(r))); return Results.Ok(); });
        app.MapPost("/v1/logs", () => Results.Ok());
        await app.StartAsync();
        receiver = new OtlpReceiver(app, app.Urls.Single()); // the port Kestrel was given
        return receiver;
    }

    private static string Text(AnyValue? v) => v?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => v.StringValue,
        AnyValue.ValueOneofCase.IntValue => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => v.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => v.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    private static async Task<byte[]> Body(HttpRequest r)
    {
        using var buffer = new MemoryStream();
        await r.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string ServiceOf(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? "";

    private void Keep(ExportTraceServiceRequest request)
    {
        foreach (var rs in request.ResourceSpans)
        foreach (var ss in rs.ScopeSpans)
        foreach (var s in ss.Spans)
            Spans.Enqueue(new ReceivedSpan(ServiceOf(rs.Resource), Convert.ToHexStringLower(s.TraceId.Span), Convert.ToHexStringLower(s.SpanId.Span),
                Convert.ToHexStringLower(s.ParentSpanId.Span), s.Name,
                s.Attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => Text(g.First().Value))));
    }

    private void Keep(ExportMetricsServiceRequest request)
    {
        foreach (var rm in request.ResourceMetrics)
        foreach (var sm in rm.ScopeMetrics)
        foreach (var m in sm.Metrics)
            MetricsByService.GetOrAdd(ServiceOf(rm.Resource), _ => new())[m.Name] = true;
    }

    /// <summary>Waits (up to 20 s) for one session's trace: the worker's warm_session.claim and, in the same trace,
    /// the gateway's POST request, both tagged with the session id. A service name, when given, must be the span's.
    /// Nulls for what never arrived.</summary>
    public async Task<(ReceivedSpan? Request, ReceivedSpan? Claim)> SessionTraceAsync(string sessionId, string? gateway = null, string? worker = null)
    {
        bool Of(ReceivedSpan s, string? service) => (service is null || s.Service == service) && s.Attributes.GetValueOrDefault("mirrorstage.session.id") == sessionId;
        ReceivedSpan? claim = null, request = null;
        for (var i = 0; i < 100 && (claim is null || request is null); i++)
        {
            await Task.Delay(200);
            claim = Spans.FirstOrDefault(s => s.Name == "warm_session.claim" && Of(s, worker));
            request = claim is null ? null : Spans.FirstOrDefault(s => s.TraceId == claim.TraceId && s.Name.StartsWith("POST", StringComparison.Ordinal) && Of(s, gateway));
        }
        return (request, claim);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
