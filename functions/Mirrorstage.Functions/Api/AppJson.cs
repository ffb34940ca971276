using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mirrorstage.Functions.Api;

/// <summary>The API speaks snake_case JSON and writes nulls (clients read fixed field sets).</summary>
public static class AppJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.MaxDepth = 16;
        o.Converters.Add(new UtcTimestampConverter());
        return o;
    }
}
