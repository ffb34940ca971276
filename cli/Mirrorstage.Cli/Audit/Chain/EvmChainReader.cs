using System.Numerics;
using Mirrorstage.Events.Sessions;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;

namespace Mirrorstage.Cli.Audit.Chain;

/// <summary>EVM: the transaction's receipt, and the ERC-20 Transfer logs the asset's contract emitted in it.</summary>
internal sealed class EvmChainReader(string rpcUrl) : IChainReader
{
    private readonly Web3 _web3 = new(rpcUrl);

    [Event("Transfer")]
    public sealed class TransferEvent : IEventDTO
    {
        [Parameter("address", "from", 1, true)] public string From { get; set; } = "";
        [Parameter("address", "to", 2, true)] public string To { get; set; } = "";
        [Parameter("uint256", "value", 3, false)] public BigInteger Value { get; set; }
    }

    public async Task<ChainTransfer> ReadAsync(PaymentSettled p, CancellationToken ct)
    {
        if (!IsHash(p.Transaction)) return ChainTransfer.Missing;
        var receipt = await _web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(p.Transaction);
        if (receipt is null) return ChainTransfer.Missing;
        if (receipt.Status?.Value != 1) return new ChainTransfer(true, false, 0, 0);
        var moved = receipt.DecodeAllEvents<TransferEvent>()
            .Where(t => Same(t.Log.Address, p.Asset) && Same(t.Event.From, p.Payer) && Same(t.Event.To, p.PayTo))
            .Aggregate(BigInteger.Zero, (sum, t) => sum + t.Event.Value);
        return new ChainTransfer(true, true, moved, moved);
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool IsHash(string tx) => tx.Length == 66 && tx.StartsWith("0x") && tx[2..].All(Uri.IsHexDigit);
}
