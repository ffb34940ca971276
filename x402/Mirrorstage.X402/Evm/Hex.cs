using System.Numerics;
using Nethereum.ABI;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;

namespace Mirrorstage.X402.Evm;

/// <summary>0x-hex as the EVM payloads carry it, through Nethereum's converters.</summary>
public static class Hex
{
    public static byte[] Decode(string hex) => hex.HexToByteArray();

    /// <summary>Exactly `length` bytes written as 0x + 2·length hex digits, nothing else.</summary>
    public static bool TryDecode(string? hex, int length, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || !hex.HasHexPrefix() || hex.Length != 2 + length * 2 || !hex.IsHex()) return false;
        bytes = hex.HexToByteArray();
        return true;
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => bytes.ToArray().ToHex(prefix: true);

    /// <summary>An ABI uint256 word.</summary>
    public static byte[] Word(BigInteger value) => new ABIEncode().GetABIEncoded(new ABIValue("uint256", value));

    /// <summary>An address as an ABI word (as event topics carry it).</summary>
    public static byte[] Word(byte[] address20) => new ABIEncode().GetABIEncoded(new ABIValue("address", Encode(address20)));

    /// <summary>A JSON-RPC quantity or data word read as an unsigned number.</summary>
    public static BigInteger ParseQuantity(string hex) => new HexBigInteger(hex).Value;
}
