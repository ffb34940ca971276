using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>Every log line an app writes from now on (category, formatted message, its template's values and
/// the values of the scopes it was written in), as its configured levels let through.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<string> Lines => _lines.ToList();

    public static CapturedLogs On(IServiceProvider app)
    {
        var capture = new CapturedLogs();
        app.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        return capture;
    }

    public ILogger CreateLogger(string categoryName) => new Line(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private static IEnumerable<string> Values(object? state) =>
        (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(kv => $"{kv.Key}={kv.Value}")
        ?? (state as IEnumerable<KeyValuePair<string, object>>)?.Select(kv => $"{kv.Key}={kv.Value}") ?? [];

    private sealed class Line(string category, CapturedLogs capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes?.Push(state);
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scoped = new List<string>();
            capture._scopes?.ForEachScope((scope, into) => into.AddRange(Values(scope)), scoped);
            capture._lines.Enqueue($"{category}: {formatter(state, exception)} {string.Join(' ', Values(state))} | scopes: {string.Join(' ', scoped)}");
        }
    }
}
