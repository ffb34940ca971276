namespace Mirrorstage.Cli.Tests.Chain;

/// <summary>anvil with real settlements through the official x402 facilitator (the conformance rig's pieces,
/// driven by anvil-settlements.mjs): 1,000,000 then 500,000 then 1,000,000 atomic units, from three payers.</summary>
public sealed class AnvilSettlements : IAsyncLifetime
{
    private ChainRig? _rig;

    public string RpcUrl { get; private set; } = "";
    public string Token { get; private set; } = "";
    public string PayTo { get; private set; } = "";
    public (string Payer, long Amount, string Transaction)[] Settlements { get; private set; } = [];
    /// <summary>A mined transaction that reverted: a transfer of 1,000,000 from an account without funds.</summary>
    public (string Payer, long Amount, string Transaction) Reverted { get; private set; }

    public async Task InitializeAsync()
    {
        _rig = await ChainRig.StartAsync("anvil-settlements.mjs", "56810", "56811", "1000000", "500000", "1000000");
        var json = _rig.Ready;
        (RpcUrl, Token, PayTo) = ((string)json["rpcUrl"]!, (string)json["token"]!, (string)json["payTo"]!);
        Settlements = json["settlements"]!.AsArray().Select(ChainRig.Settlement).ToArray();
        Reverted = ChainRig.Settlement(json["reverted"]);
    }

    public Task DisposeAsync()
    {
        _rig?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A Solana VM (litesvm behind the conformance rig's JSON-RPC) with real settlements through the official
/// x402 SVM facilitator, driven by svm-settlements.mjs: 1,000,000, 500,000, 2,500,000 and 750,000 atomic units of
/// the rig's 6-decimal mint, from two payers taking turns.</summary>
public sealed class SolanaSettlements : IAsyncLifetime
{
    private ChainRig? _rig;

    public string RpcUrl { get; private set; } = "";
    public string Network { get; private set; } = "";
    public string Mint { get; private set; } = "";
    public string PayTo { get; private set; } = "";
    public (string Payer, long Amount, string Transaction)[] Settlements { get; private set; } = [];
    /// <summary>Landed and failed on chain: a transfer of 1,000,000,000 from a payer holding at most 100,000,000.</summary>
    public (string Payer, long Amount, string Transaction) Failed { get; private set; }
    /// <summary>Signed by payer and fee payer (a real signature), never sent.</summary>
    public (string Payer, long Amount, string Transaction) Unsent { get; private set; }

    public async Task InitializeAsync()
    {
        _rig = await ChainRig.StartAsync("svm-settlements.mjs", "56813", "56814", "1000000", "500000", "2500000", "750000");
        var json = _rig.Ready;
        (RpcUrl, Network, Mint, PayTo) = ((string)json["rpcUrl"]!, (string)json["network"]!, (string)json["mint"]!, (string)json["payTo"]!);
        Settlements = json["settlements"]!.AsArray().Select(ChainRig.Settlement).ToArray();
        Failed = ChainRig.Settlement(json["failed"]);
        Unsent = ChainRig.Settlement(json["unsent"]);
    }

    public Task DisposeAsync()
    {
        _rig?.Dispose();
        return Task.CompletedTask;
    }
}
