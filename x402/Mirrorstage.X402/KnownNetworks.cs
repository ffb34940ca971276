namespace Mirrorstage.X402;

/// <summary>USDC on the networks the gateway knows by name, so an operator configures a network with its name
/// and PayTo. Explicit settings always win over these.</summary>
public static class KnownNetworks
{
    private sealed record Preset(string Network, string? Asset, string? AssetName, string? AssetVersion);

    private static readonly Dictionary<string, Preset> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["base"] = new("eip155:8453", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USD Coin", "2"),
        ["base-sepolia"] = new("eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", "2"),
        ["solana"] = new("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", null, null),
        ["solana-devnet"] = new("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", null, null),
        // A local anvil chain has no canonical USDC: its token address and EIP-712 domain come from configuration.
        ["anvil"] = new("eip155:31337", null, null, null),
    };

    private static readonly Dictionary<string, Preset> ByCaip = ByName.Values.ToDictionary(p => p.Network);

    /// <summary>Replaces a known name by its CAIP-2 id and fills in what the operator left out.</summary>
    public static void Apply(NetworkOptions n)
    {
        if (ByName.TryGetValue(n.Network, out var named)) n.Network = named.Network;
        if (!ByCaip.TryGetValue(n.Network, out var preset)) return;
        if (string.IsNullOrWhiteSpace(n.Asset)) n.Asset = preset.Asset ?? "";
        n.AssetName ??= preset.AssetName;
        n.AssetVersion ??= preset.AssetVersion;
    }

    /// <summary>What is wrong with an enabled network's settings, in words an operator can act on.</summary>
    public static IEnumerable<string> Problems(NetworkOptions n)
    {
        var name = string.IsNullOrWhiteSpace(n.Network) ? "(unnamed)" : n.Network;
        if (!n.IsEvm && !n.IsSolana) yield return $"{name}: Network must be a CAIP-2 id (eip155:..., solana:...) or one of {string.Join(", ", ByName.Keys)}.";
        if (string.IsNullOrWhiteSpace(n.Asset)) yield return $"{name}: Asset is required.";
        if (string.IsNullOrWhiteSpace(n.PayTo)) yield return $"{name}: PayTo is required.";
        foreach (var (setting, value) in new[] { ("Asset", n.Asset), ("PayTo", n.PayTo) })
            if (n.IsEvm && !string.IsNullOrWhiteSpace(value) && !Evm.EvmAddress.IsValid(value))
                yield return $"{name}: {setting} {value} is not an EVM address (0x and 40 hex digits; a mixed-case one must carry its EIP-55 checksum).";
        if (n.IsEvm && (n.AssetName is null || n.AssetVersion is null)) yield return $"{name}: AssetName and AssetVersion (the token's EIP-712 domain) are required.";
        if (n.IsSolana && string.IsNullOrWhiteSpace(n.FeePayer)) yield return $"{name}: FeePayer (the facilitator's fee payer) is required.";
        if (n.SelfSettles && (!n.IsEvm || string.IsNullOrWhiteSpace(n.RpcUrl) || string.IsNullOrWhiteSpace(n.RelayerPrivateKey)))
            yield return $"{name}: Settlement=self needs an EVM network, RpcUrl and RelayerPrivateKey.";
        if (!n.SelfSettles && string.IsNullOrWhiteSpace(n.FacilitatorUrl)) yield return $"{name}: FacilitatorUrl is required (or Settlement=self).";
    }
}
