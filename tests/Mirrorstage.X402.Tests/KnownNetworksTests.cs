namespace Mirrorstage.X402.Tests;

public class KnownNetworksTests
{
    [Theory]
    [InlineData("base", "eip155:8453", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USD Coin")]
    [InlineData("base-sepolia", "eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC")]
    [InlineData("solana", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", null)]
    [InlineData("solana-devnet", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", null)]
    public void Known_names_fill_in_USDC(string name, string caip, string asset, string? domainName)
    {
        var n = new NetworkOptions { Network = name, PayTo = "x" };
        KnownNetworks.Apply(n);
        Assert.Equal((caip, asset, domainName), (n.Network, n.Asset, n.AssetName));
    }

    [Fact]
    public void Explicit_settings_win()
    {
        var n = new NetworkOptions { Network = "eip155:8453", Asset = "0xabc", AssetName = "Custom" };
        KnownNetworks.Apply(n);
        Assert.Equal(("0xabc", "Custom", "2"), (n.Asset, n.AssetName, n.AssetVersion));
    }

    [Theory]
    [InlineData("0x000000000000000000000000000000000000dEaD", true)] // EIP-55 spelling
    [InlineData("0x000000000000000000000000000000000000dead", true)]
    [InlineData("0x000000000000000000000000000000000000DEAD", true)]
    [InlineData("0x000000000000000000000000000000000000DeaD", false)] // one letter's case wrong
    [InlineData("0x000000000000000000000000000000000000dEa", false)]
    [InlineData("000000000000000000000000000000000000dEaD00", false)]
    public void An_evm_payTo_must_be_an_address_with_a_valid_checksum(string payTo, bool accepted)
    {
        var n = new NetworkOptions { Network = "base", PayTo = payTo, FacilitatorUrl = "https://f" };
        KnownNetworks.Apply(n);
        Assert.Equal(accepted, !KnownNetworks.Problems(n).Any(p => p.Contains("PayTo") && p.Contains("EIP-55")));
    }

    [Fact]
    public void Incomplete_networks_are_named_with_what_they_lack()
    {
        var anvil = new NetworkOptions { Network = "anvil" };
        KnownNetworks.Apply(anvil);
        var problems = KnownNetworks.Problems(anvil).ToList();
        Assert.Contains(problems, p => p.Contains("Asset is required"));
        Assert.Contains(problems, p => p.Contains("PayTo is required"));
        Assert.Contains(problems, p => p.Contains("AssetName and AssetVersion"));
        Assert.Contains(problems, p => p.Contains("FacilitatorUrl is required"));

        var solana = new NetworkOptions { Network = "solana", PayTo = "p", FacilitatorUrl = "https://f" };
        KnownNetworks.Apply(solana);
        Assert.Equal(["solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp: FeePayer (the facilitator's fee payer) is required."], KnownNetworks.Problems(solana));

        var self = new NetworkOptions { Network = "base", PayTo = "0x1", Settlement = "self" };
        KnownNetworks.Apply(self);
        Assert.Contains(KnownNetworks.Problems(self), p => p.Contains("RpcUrl and RelayerPrivateKey"));
    }
}
