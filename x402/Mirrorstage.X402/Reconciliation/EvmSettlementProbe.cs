using System.Numerics;
using Mirrorstage.X402.Evm;
using Mirrorstage.X402.Models;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;
using Nethereum.Web3;

namespace Mirrorstage.X402.Reconciliation;

/// <summary>Settles an unknown EVM "exact" outcome from the token contract itself: authorizationState(payer, nonce)
/// says whether the authorization was used; the AuthorizationUsed log finds the transaction that used it (ours,
/// a facilitator's, or a front-runner's), whose receipt must show the transfer to payTo of the amount.</summary>
public sealed class EvmSettlementProbe(string rpcUrl, int lookbackBlocks) : ISettlementProbe
{
    private static readonly string AuthorizationUsedTopic = "0x" + Sha3Keccack.Current.CalculateHash("AuthorizationUsed(address,bytes32)");
    private static readonly string TransferTopic = "0x" + Sha3Keccack.Current.CalculateHash("Transfer(address,address,uint256)");
    private readonly Web3 _web3 = new(rpcUrl);

    [Function("authorizationState", "bool")]
    private sealed class AuthorizationStateFunction : FunctionMessage
    {
        [Parameter("address", "authorizer", 1)] public string Authorizer { get; set; } = "";
        [Parameter("bytes32", "nonce", 2)] public byte[] AuthorizationNonce { get; set; } = [];
    }

    public async Task<ChainVerdict> ProbeAsync(PaymentPayload payload, PaymentRequirements requirement, string? knownTransaction, CancellationToken ct)
    {
        if (TransferAuthorization.Parse(payload.Payload) is not { } a) return new ChainVerdict.NotMoved("not an EIP-3009 authorization");
        var payer = Hex.Encode(a.From);
        var used = await _web3.Eth.GetContractQueryHandler<AuthorizationStateFunction>()
            .QueryAsync<bool>(requirement.Asset, new AuthorizationStateFunction { Authorizer = payer, AuthorizationNonce = a.Nonce });
        if (!used)
        {
            var latest = await _web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
            return latest.Timestamp.Value >= a.ValidBefore
                ? new ChainVerdict.NotMoved("the authorization expired unused")
                : new ChainVerdict.Pending("the authorization is unused and still valid");
        }

        if (knownTransaction is not null && await TransfersAsync(knownTransaction, a, requirement) == true)
            return new ChainVerdict.Moved(knownTransaction, payer);
        var head = (await _web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var logs = await _web3.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
        {
            Address = [requirement.Asset],
            FromBlock = new BlockParameter(new HexBigInteger(BigInteger.Max(0, head - lookbackBlocks))),
            ToBlock = BlockParameter.CreateLatest(),
            Topics = [AuthorizationUsedTopic, Word(a.From), Hex.Encode(a.Nonce)],
        });
        foreach (var log in logs)
        {
            switch (await TransfersAsync(log.TransactionHash, a, requirement))
            {
                case true: return new ChainVerdict.Moved(log.TransactionHash, payer);
                case false: return new ChainVerdict.NotMoved("the nonce was used by another transfer");
            }
        }
        return new ChainVerdict.Pending($"the authorization is used but no transaction using it is in the last {lookbackBlocks} blocks");
    }

    /// <summary>True when the mined transaction moved the amount from the payer to payTo on this token; false when
    /// it used the authorization without doing so; null when it is not mined (yet).</summary>
    private async Task<bool?> TransfersAsync(string hash, TransferAuthorization a, PaymentRequirements requirement)
    {
        var receipt = await _web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash);
        if (receipt is null) return null;
        if (receipt.Status?.Value != 1) return false;
        var from = Word(a.From);
        var to = Word(Hex.Decode(requirement.PayTo));
        return receipt.Logs?.Any(l =>
            string.Equals(l.Address, requirement.Asset, StringComparison.OrdinalIgnoreCase)
            && l.Topics is { Length: 3 } t
            && string.Equals(t[0]?.ToString(), TransferTopic, StringComparison.OrdinalIgnoreCase)
            && string.Equals(t[1]?.ToString(), from, StringComparison.OrdinalIgnoreCase)
            && string.Equals(t[2]?.ToString(), to, StringComparison.OrdinalIgnoreCase)
            && Hex.ParseQuantity(l.Data) == a.Value) ?? false;
    }

    private static string Word(byte[] address) => Hex.Encode(Hex.Word(address));
}
