namespace Mirrorstage.X402;

/// <summary>One network the gateway accepts USDC on; bound from "Mirrorstage:Payments:Networks:N".</summary>
public sealed class NetworkOptions
{
    /// <summary>CAIP-2 id: eip155:8453, eip155:84532, eip155:31337, solana:5eykt4..., solana:EtWTRA...</summary>
    public string Network { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public string Asset { get; set; } = "";
    public string PayTo { get; set; } = "";
    /// <summary>EIP-712 domain name and version of the token (EVM only): "USD Coin"/"2" on Base mainnet.</summary>
    public string? AssetName { get; set; }
    public string? AssetVersion { get; set; }
    /// <summary>Solana: the facilitator's fee payer, advertised in extra.feePayer.</summary>
    public string? FeePayer { get; set; }
    public int MaxTimeoutSeconds { get; set; } = 300;
    /// <summary>Base URL of an x402 facilitator (POST /verify, POST /settle, GET /supported).</summary>
    public string? FacilitatorUrl { get; set; }
    /// <summary>"facilitator" (default): a remote x402 facilitator settles. "self" (EVM only): the gateway
    /// verifies and submits transferWithAuthorization itself from RelayerPrivateKey through RpcUrl.</summary>
    public string Settlement { get; set; } = "facilitator";
    /// <summary>The chain's JSON-RPC: self-settlement sends through it, and the reconciler asks it what happened to a
    /// payment whose settlement outcome is unknown. Set it for every network so no outcome waits for an operator.</summary>
    public string? RpcUrl { get; set; }
    /// <summary>0x-prefixed 32-byte key of the relayer that pays gas for self-settlement. Keep it in a secret store.</summary>
    public string? RelayerPrivateKey { get; set; }
    public int ReceiptTimeoutSeconds { get; set; } = 60;
    /// <summary>How far back (in blocks) the reconciler looks for the transaction that used an authorization.</summary>
    public int ReconcileLookbackBlocks { get; set; } = 10_000;
    /// <summary>Check the scheme's rules (signature, amount, recipient, window, Solana layout) in the gateway
    /// before asking the facilitator. On by default.</summary>
    public bool VerifyLocally { get; set; } = true;

    public bool SelfSettles => string.Equals(Settlement, "self", StringComparison.OrdinalIgnoreCase);

    public bool IsEvm => Network.StartsWith("eip155:", StringComparison.Ordinal);
    public bool IsSolana => Network.StartsWith("solana:", StringComparison.Ordinal);
}

public sealed class PaymentOptions
{
    public const string Section = "Mirrorstage:Payments";
    public List<NetworkOptions> Networks { get; set; } = [];
    public IEnumerable<NetworkOptions> Enabled => Networks.Where(n => n.Enabled);
}
