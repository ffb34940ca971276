using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mirrorstage.X402;

public static class X402Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 32,
        // One key, one value: a payload that two parsers (ours, a facilitator's) could read differently is refused.
        AllowDuplicateProperties = false,
    };
}
