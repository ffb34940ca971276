using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mirrorstage.X402;

public static class X402Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 32,
    };
}
