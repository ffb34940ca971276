using JasperFx;
using Weasel.Core;
using Marten;
using Mirrorstage.Events;
using Npgsql;

namespace Mirrorstage.Cli.Audit;

/// <summary>The event store as the audit reads it: raw rows through Npgsql, event bodies through Marten's own
/// serializer and type names. The audit never changes the schema or writes anything.</summary>
internal sealed class AuditDatabase : IAsyncDisposable
{
    private readonly Dictionary<string, Type> _types = new();
    private readonly Dictionary<Type, string> _aliases = new();

    private AuditDatabase(DocumentStore store, NpgsqlDataSource source)
    {
        Store = store;
        Source = source;
        var graph = (Marten.Events.EventGraph)store.Options.Events;
        foreach (var type in Events.Billing.BillingEvents.All)
        {
            var alias = graph.EventMappingFor(type).EventTypeName;
            _types[alias] = type;
            _aliases[type] = alias;
        }
    }

    public DocumentStore Store { get; }
    public NpgsqlDataSource Source { get; }
    public const string Schema = MartenSetup.Schema;

    public static AuditDatabase Open(string connectionString)
    {
        var store = DocumentStore.For(o =>
        {
            o.UseMirrorstage(connectionString);
            o.AutoCreateSchemaObjects = AutoCreate.None; // read only: an audit changes nothing
        });
        return new AuditDatabase(store, NpgsqlDataSource.Create(connectionString));
    }

    public string Alias(Type type) => _aliases[type];

    public string[] Aliases(IEnumerable<Type> types) => types.Select(Alias).ToArray();

    public object Deserialize(RawEvent e) => Deserialize(e.Type, e.Data);

    /// <summary>An event body, by its Marten type name, through Marten's own serializer.</summary>
    public object Deserialize(string type, string json) =>
        _types.TryGetValue(type, out var t)
            ? Store.Options.Serializer().FromJson(t, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            : throw new InvalidOperationException($"an event of type {type}, which the audit does not read");

    public T Document<T>(string json) => Store.Options.Serializer().FromJson<T>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));

    /// <summary>A property's name in the stored JSON, as Marten's serializer spells it.</summary>
    public string JsonName(string property) => Store.Options.Serializer().Casing switch
    {
        Casing.CamelCase => char.ToLowerInvariant(property[0]) + property[1..],
        Casing.SnakeCase => string.Concat(property.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
        _ => property,
    };

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        Store.Dispose();
    }
}
