using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402;

/// <summary>Builds our own payment requirements and checks a client's `accepted` against them.
/// Requirements are deterministic for a given price, so a client's echo compares exactly.</summary>
public static class Requirements
{
    public static IReadOnlyList<PaymentRequirements> For(IEnumerable<NetworkOptions> networks, long amountAtomic) =>
        networks.Select(n => new PaymentRequirements(
            "exact", n.Network, amountAtomic.ToString(System.Globalization.CultureInfo.InvariantCulture),
            n.Asset, n.PayTo, n.MaxTimeoutSeconds, Extra(n))).ToList();

    private static JsonObject? Extra(NetworkOptions n)
    {
        if (n.IsEvm && n.AssetName is not null)
            return new JsonObject { ["name"] = n.AssetName, ["version"] = n.AssetVersion ?? "2" };
        if (n.IsSolana && n.FeePayer is not null)
            return new JsonObject { ["feePayer"] = n.FeePayer };
        return null;
    }

    /// <summary>Our requirement that the client's `accepted` names, or null when it names none of them.</summary>
    public static PaymentRequirements? Match(IEnumerable<PaymentRequirements> ours, PaymentRequirements accepted) =>
        ours.FirstOrDefault(r => Same(r, accepted));

    private static bool Same(PaymentRequirements a, PaymentRequirements b) =>
        a.Scheme == b.Scheme
        && a.Network == b.Network
        && a.Amount == b.Amount
        && SameAddress(a.Network, a.Asset, b.Asset)
        && SameAddress(a.Network, a.PayTo, b.PayTo)
        && a.MaxTimeoutSeconds == b.MaxTimeoutSeconds
        && JsonNode.DeepEquals(a.Extra, b.Extra);

    private static bool SameAddress(string network, string x, string y) =>
        network.StartsWith("eip155:", StringComparison.Ordinal)
            ? Evm.EvmAddress.Same(x, y)
            : x == y;
}
