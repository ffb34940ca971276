using Microsoft.Extensions.Options;

namespace Mirrorstage.Functions.Health;

/// <summary>Whether a new session can be served now.</summary>
public interface IRenderCapacity
{
    bool Available { get; }
}

/// <summary>Capacity from configuration, until workers report their own render slots.</summary>
public sealed class ConfiguredCapacity(IOptions<GatewayOptions> options) : IRenderCapacity
{
    public bool Available => options.Value.WorkerCapacity > 0;
}
