using System.Text.RegularExpressions;

namespace Mirrorstage.Events.Wallets;

/// <summary>Wallet addresses as keys: EVM hex is case-insensitive (lower-cased), Solana base58 is exact.</summary>
public static partial class WalletAddress
{
    [GeneratedRegex("^0x[0-9a-fA-F]{40}$")]
    private static partial Regex Evm();

    [GeneratedRegex("^[1-9A-HJ-NP-Za-km-z]{32,44}$")]
    private static partial Regex Base58();

    public static bool IsEvm(string address) => Evm().IsMatch(address);

    public static bool IsValid(string address) => Evm().IsMatch(address) || Base58().IsMatch(address);

    public static string Normalize(string address) => IsEvm(address) ? address.ToLowerInvariant() : address;

    public static bool SameWallet(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>What every wallet stream's key starts with (no session id does).</summary>
    public const string StreamPrefix = "wallet:";

    /// <summary>The event stream that holds a wallet's credits.</summary>
    public static string StreamKey(string address) => StreamPrefix + Normalize(address);
}
