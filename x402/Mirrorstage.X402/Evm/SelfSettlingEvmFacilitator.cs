using System.Numerics;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Facilitators;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Evm;

/// <summary>Verifies EVM "exact" payments itself and settles them by sending transferWithAuthorization from the
/// gateway's own relayer key: an EIP-1559 transaction built, signed and submitted here, then its receipt awaited.</summary>
public sealed class SelfSettlingEvmFacilitator(EvmRpc rpc, byte[] relayerKey, TimeProvider clock, TimeSpan receiptTimeout, IRelayerNonceLock nonceLock) : IFacilitator
{
    private static readonly byte[] BalanceOf = Keccak.Hash("balanceOf(address)")[..4];
    private static readonly byte[] AuthorizationState = Keccak.Hash("authorizationState(address,bytes32)")[..4];
    private readonly byte[] _relayer = Secp256k1.AddressOf(relayerKey);

    public string RelayerAddress => Hex.Encode(_relayer);

    public async Task<VerifyResponse> VerifyAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct) =>
        (await VerifyOnChainAsync(payload, requirements, ct)).Response;

    public async Task<SettleResponse> SettleAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct)
    {
        var (verdict, authorization) = await VerifyOnChainAsync(payload, requirements, ct);
        if (!verdict.IsValid || authorization is null)
            return new SettleResponse(false, "", requirements.Network, verdict.Payer, verdict.InvalidReason, verdict.InvalidMessage);

        EvmExactVerifier.TryChainId(requirements.Network, out var chainId);
        var token = Hex.Decode(requirements.Asset);
        var data = authorization.CallData();
        string hash;
        // One relayer, one nonce sequence, across every gateway process that holds the key.
        await using (await nonceLock.AcquireAsync(RelayerAddress, ct))
        {
            byte[] raw;
            try
            {
                var nonce = await rpc.QuantityAsync("eth_getTransactionCount", ct, Hex.Encode(_relayer), "pending");
                var gas = await rpc.EstimateGasAsync(_relayer, token, data, ct) * 12 / 10;
                var tip = await TipAsync(ct);
                var baseFee = await BaseFeeAsync(ct);
                raw = new Eip1559Transaction(chainId, nonce, tip, baseFee * 2 + tip, gas, token, BigInteger.Zero, data).Sign(relayerKey);
            }
            catch (EvmRpc.RpcException e)
            {
                return new SettleResponse(false, "", requirements.Network, verdict.Payer, "transaction_failed", e.Message);
            }
            catch (HttpRequestException e)
            {
                throw new FacilitatorUnavailableException($"EVM RPC unreachable: {e.Message}", e);
            }
            // From here the transaction may be in a mempool whatever the node answers ("already known", a dropped
            // connection): the outcome is unknown, never "nothing was charged".
            hash = Hex.Encode(Keccak.Hash(raw));
            try
            {
                await rpc.CallAsync("eth_sendRawTransaction", CancellationToken.None, Hex.Encode(raw));
            }
            catch (Exception e) when (e is EvmRpc.RpcException or HttpRequestException or TaskCanceledException)
            {
                throw new Reconciliation.SettlementUnknownException($"Sending {hash} gave no clear answer: {e.Message}", hash, e);
            }
        }

        JsonObject receipt;
        try
        {
            receipt = await WaitForReceiptAsync(hash, CancellationToken.None);
        }
        catch (Exception e) when (e is EvmRpc.RpcException or HttpRequestException or TaskCanceledException)
        {
            throw new Reconciliation.SettlementUnknownException($"Broadcast {hash}, then lost sight of it: {e.Message}", hash, e);
        }
        var succeeded = receipt["status"]?.GetValue<string>() == "0x1";
        return succeeded
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
        var token = Hex.Decode(requirements.Asset);
        try
        {
            var balance = new BigInteger(await rpc.EthCallAsync(token, [.. BalanceOf, .. Hex.Word(a.From)], null, ct), isUnsigned: true, isBigEndian: true);
            if (balance < a.Value)
                return (new VerifyResponse(false, "insufficient_funds", $"The payer holds {balance} atomic units.", payer), null);
            var used = await rpc.EthCallAsync(token, [.. AuthorizationState, .. Hex.Word(a.From), .. a.Nonce], null, ct);
            if (used.Any(b => b != 0))
                return (new VerifyResponse(false, "invalid_exact_evm_payload_authorization_nonce_used", "This authorization was already used on chain.", payer), null);
            await rpc.EthCallAsync(token, a.CallData(), _relayer, ct); // simulate: reverts throw
        }
        catch (EvmRpc.RpcException e)
        {
            return (new VerifyResponse(false, "invalid_exact_evm_payload_simulation_failed", e.Message, payer), null);
        }
        catch (HttpRequestException e)
        {
            throw new FacilitatorUnavailableException($"EVM RPC unreachable: {e.Message}", e);
        }
        return (new VerifyResponse(true, Payer: payer), a);
    }

    private async Task<BigInteger> TipAsync(CancellationToken ct)
    {
        try { return await rpc.QuantityAsync("eth_maxPriorityFeePerGas", ct); }
        catch (EvmRpc.RpcException) { return 1_000_000_000; }
    }

    private async Task<BigInteger> BaseFeeAsync(CancellationToken ct)
    {
        var block = await rpc.CallAsync("eth_getBlockByNumber", ct, "latest", false);
        return block?["baseFeePerGas"]?.GetValue<string>() is { } fee ? Hex.ParseQuantity(fee) : await rpc.QuantityAsync("eth_gasPrice", ct);
    }

    private async Task<JsonObject> WaitForReceiptAsync(string hash, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + receiptTimeout;
        while (clock.GetUtcNow() < deadline)
        {
            if (await rpc.ReceiptAsync(hash, ct) is { } receipt) return receipt;
            await Task.Delay(100, ct);
        }
        throw new Reconciliation.SettlementUnknownException($"No receipt for {hash} within {receiptTimeout.TotalSeconds:0} s.", hash);
    }
}
