using System.Net;
using System.Net.Sockets;

namespace Mirrorstage.Infrastructure.Outputs;

public enum AddressKind
{
    /// <summary>On the public internet: an output may go there.</summary>
    Public,

    /// <summary>Loopback or a private network: only where the operator allows private hosts (local mode).</summary>
    Private,

    /// <summary>Never: link-local (cloud metadata), unspecified, multicast, and the IPv6 forms that carry an
    /// IPv4 address inside (mapped, compatible, NAT64, 6to4, Teredo) and so hide where they lead.</summary>
    Forbidden,
}

/// <summary>What an output address is. One rule for the gateway (when the session is created) and the worker
/// (each time it connects): a name that was public to one must not lead the other inside.</summary>
public static class OutputAddresses
{
    public static AddressKind Classify(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? ClassifyV6(address) : ClassifyV4(address.GetAddressBytes());

    private static AddressKind ClassifyV4(byte[] a)
    {
        if (a[0] == 169 && a[1] == 254) return AddressKind.Forbidden;               // link-local, cloud metadata
        if (a is [168, 63, 129, 16] or [100, 100, 100, 200]) return AddressKind.Forbidden; // Azure wire server, Alibaba metadata
        if (a[0] == 0 || a[0] >= 224) return AddressKind.Forbidden;                // "this" network, multicast, reserved, broadcast
        var @private = a[0] switch
        {
            10 or 127 => true,
            100 => a[1] is >= 64 and <= 127,                                        // carrier-grade NAT
            172 => a[1] is >= 16 and <= 31,
            192 => a[1] == 168 || (a[1] == 0 && a[2] is 0 or 2),                   // private, IETF protocol, documentation
            198 => a[1] is 18 or 19 || (a[1] == 51 && a[2] == 100),                // benchmarking, documentation
            203 => a[1] == 0 && a[2] == 113,                                        // documentation
            _ => false,
        };
        return @private ? AddressKind.Private : AddressKind.Public;
    }

    private static AddressKind ClassifyV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (IPAddress.IsLoopback(address)) return AddressKind.Private;
        if (address.Equals(IPAddress.IPv6Any) || address.IsIPv6Multicast || address.IsIPv6LinkLocal) return AddressKind.Forbidden;
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return AddressKind.Forbidden;   // ::a.b.c.d (IPv4-compatible)
        if (address.IsIPv4MappedToIPv6) return AddressKind.Forbidden;                       // ::ffff:a.b.c.d
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return AddressKind.Forbidden; // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
        if (b[0] == 0x20 && b[1] == 0x02) return AddressKind.Forbidden;                     // 6to4 2002::/16
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return AddressKind.Forbidden; // Teredo 2001::/32
        if (address.Equals(AwsMetadataV6)) return AddressKind.Forbidden;
        if ((b[0] & 0xFE) == 0xFC || address.IsIPv6SiteLocal) return AddressKind.Private;   // ULA fc00::/7, old site-local
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return AddressKind.Private; // documentation
        if (b[0] == 0x01 && b.AsSpan(1, 7).IndexOfAnyExcept((byte)0) < 0) return AddressKind.Forbidden; // discard 100::/64
        return AddressKind.Public;
    }

    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static bool Allowed(IPAddress address, bool allowPrivate) => Classify(address) switch
    {
        AddressKind.Public => true,
        AddressKind.Private => allowPrivate,
        _ => false,
    };
}
