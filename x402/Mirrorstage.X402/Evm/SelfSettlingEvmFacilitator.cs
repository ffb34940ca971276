using System.Numerics;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Facilitators;
using Mirrorstage.X402.Models;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Fee1559Suggestions;
using Nethereum.Web3.Accounts;

namespace Mirrorstage.X402.Evm;

/// <summary>Verifies EVM "exact" payments itself and settles them by sending transferWithAuthorization from the
/// gateway's own relayer key: an EIP-1559 transaction signed by Nethereum's account signer and sent over its
/// JSON-RPC client, then its receipt polled for until the timeout. Once signed, any doubt is an unknown outcome
/// for the reconciler, never "nothing was charged".</summary>
public sealed class SelfSettlingEvmFacilitator(IClient rpc, byte[] relayerKey, TimeProvider clock, TimeSpan receiptTimeout, IRelayerNonceLock nonceLock) : IFacilitator
{
    private readonly string _relayer = Hex.Encode(Secp256k1.AddressOf(relayerKey));

    public string RelayerAddress => _relayer;

    public async Task<VerifyResponse> VerifyAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct) =>
        (await VerifyOnChainAsync(payload, requirements, ct)).Response;

    public async Task<SettleResponse> SettleAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct)
    {
        var (verdict, authorization) = await VerifyOnChainAsync(payload, requirements, ct);
        if (!verdict.IsValid || authorization is null)
            return new SettleResponse(false, "", requirements.Network, verdict.Payer, verdict.InvalidReason, verdict.InvalidMessage);

        EvmExactVerifier.TryChainId(requirements.Network, out var chainId);
        var web3 = new Nethereum.Web3.Web3(new Account(relayerKey, chainId), rpc);
        var call = authorization.Call();
        string hash;
        // One relayer, one nonce sequence, across every gateway process that holds the key.
        await using (await nonceLock.AcquireAsync(RelayerAddress, ct))
        {
            string raw;
            try
            {
                var handler = web3.Eth.GetContractTransactionHandler<TransferWithAuthorizationFunction>();
                call.Nonce = await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(_relayer, BlockParameter.CreatePending());
                call.Gas = new HexBigInteger((await handler.EstimateGasAsync(requirements.Asset, call)).Value * 12 / 10);
                var fee = await new SimpleFeeSuggestionStrategy(rpc).SuggestFeeAsync();
                (call.MaxFeePerGas, call.MaxPriorityFeePerGas) = (fee.MaxFeePerGas, fee.MaxPriorityFeePerGas);
                raw = (await handler.SignTransactionAsync(requirements.Asset, call)).EnsureHexPrefix(); // EIP-1559, type 2
            }
            catch (Exception e) when (Refused(e))
            {
                return new SettleResponse(false, "", requirements.Network, verdict.Payer, "transaction_failed", e.Message);
            }
            catch (Exception e) when (Unreachable(e, ct))
            {
                throw new FacilitatorUnavailableException($"EVM RPC unreachable: {e.Message}", e);
            }
            // From here the transaction may be in a mempool whatever the node answers ("already known", a dropped
            // connection): the outcome is unknown, never "nothing was charged".
            hash = Hex.Encode(Keccak.Hash(Hex.Decode(raw)));
            try
            {
                await web3.Eth.Transactions.SendRawTransaction.SendRequestAsync(raw);
            }
            catch (Exception e) when (Refused(e) || Unreachable(e, CancellationToken.None))
            {
                throw new Reconciliation.SettlementUnknownException($"Sending {hash} gave no clear answer: {e.Message}", hash, e);
            }
        }

        var receipt = await WaitForReceiptAsync(web3, hash);
        return receipt.Status?.Value == BigInteger.One
            ? new SettleResponse(true, hash, requirements.Network, verdict.Payer, Amount: requirements.Amount)
            : new SettleResponse(false, hash, requirements.Network, verdict.Payer, "transaction_reverted", "transferWithAuthorization reverted on chain.");
    }

    public Task<SupportedResponse> SupportedAsync(CancellationToken ct) =>
        Task.FromResult(new SupportedResponse([], Signers: new JsonObject { ["eip155:*"] = new JsonArray(RelayerAddress) }));

    private async Task<(VerifyResponse Response, TransferAuthorization? Authorization)> VerifyOnChainAsync(
        PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct)
    {
        if (EvmExactVerifier.Check(payload, requirements, clock.GetUtcNow(), out var a) is { } refused) return (refused, null);
        var payer = Hex.Encode(a!.From);
        var eth = new Nethereum.Web3.Web3(rpc).Eth;
        try
        {
            var balance = await eth.GetContractQueryHandler<BalanceOfFunction>().QueryAsync<BigInteger>(requirements.Asset, new BalanceOfFunction { Account = payer });
            if (balance < a.Value)
                return (new VerifyResponse(false, "insufficient_funds", $"The payer holds {balance} atomic units.", payer), null);
            var used = await eth.GetContractQueryHandler<AuthorizationStateFunction>().QueryAsync<bool>(requirements.Asset, new AuthorizationStateFunction { Authorizer = payer, AuthorizationNonce = a.Nonce });
            if (used)
                return (new VerifyResponse(false, "invalid_exact_evm_payload_authorization_nonce_used", "This authorization was already used on chain.", payer), null);
            var simulation = a.Call();
            simulation.FromAddress = _relayer;
            await eth.GetContractQueryHandler<TransferWithAuthorizationFunction>().QueryRawAsync(requirements.Asset, simulation); // reverts throw
        }
        catch (Exception e) when (Refused(e))
        {
            return (new VerifyResponse(false, "invalid_exact_evm_payload_simulation_failed", e.Message, payer), null);
        }
        catch (Exception e) when (Unreachable(e, ct))
        {
            throw new FacilitatorUnavailableException($"EVM RPC unreachable: {e.Message}", e);
        }
        return (new VerifyResponse(true, Payer: payer), a);
    }

    private async Task<TransactionReceipt> WaitForReceiptAsync(Nethereum.Web3.Web3 web3, string hash)
    {
        using var deadline = new CancellationTokenSource(receiptTimeout, clock);
        var polling = web3.TransactionManager.TransactionReceiptService;
        polling.SetPollingRetryIntervalInMilliseconds(100);
        try
        {
            return await polling.PollForReceiptAsync(hash, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Reconciliation.SettlementUnknownException($"No receipt for {hash} within {receiptTimeout.TotalSeconds:0} s.", hash);
        }
        catch (Exception e) when (Refused(e) || Unreachable(e, CancellationToken.None))
        {
            throw new Reconciliation.SettlementUnknownException($"Broadcast {hash}, then lost sight of it: {e.Message}", hash, e);
        }
    }

    /// <summary>The node answered and said no (an RPC error, a revert): the payment's fault.</summary>
    private static bool Refused(Exception e) => e is RpcResponseException or SmartContractRevertException or Nethereum.Contracts.SmartContractCustomErrorRevertException;

    /// <summary>The node could not be asked: not the payer's fault.</summary>
    private static bool Unreachable(Exception e, CancellationToken ct) =>
        e is RpcClientUnknownException or RpcClientTimeoutException or HttpRequestException
        || (e is TaskCanceledException && !ct.IsCancellationRequested);
}
