using Nethereum.Util;

namespace Mirrorstage.X402.Evm;

/// <summary>EVM addresses through Nethereum: 0x and 40 hex digits, all one case or carrying a valid EIP-55
/// checksum (so a mistyped mixed-case address in configuration is caught, not paid to).</summary>
public static class EvmAddress
{
    public static bool IsValid(string? address) =>
        address is not null && address.IsValidEthereumAddressHexFormat()
        && (address[2..] == address[2..].ToLowerInvariant() || address[2..] == address[2..].ToUpperInvariant() || address.IsEthereumChecksumAddress());

    /// <summary>The EIP-55 spelling, for people to read.</summary>
    public static string Checksummed(string address) => address.ConvertToEthereumChecksumAddress();

    public static bool Same(string a, string b) => IsValid(a) && IsValid(b) && a.IsTheSameAddress(b);
}
