using System.Security.Cryptography;
using System.Text;
using Mirrorstage.X402.Facilitators;
using Mirrorstage.X402.Models;
using Mirrorstage.X402.Reconciliation;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>A facilitator double whose answer is chosen by the payload's "script" field, counting every call.
/// Real chains and the official client are exercised by the payment conformance suite.</summary>
public sealed class ScriptedFacilitator : IFacilitator, IFacilitatorRouter
{
    private int _verifies, _settles;
    public int Verifies => _verifies;
    public int Settles => _settles;

    /// <summary>Runs inside /settle after the money "moved" and before the answer (e.g. stopping PostgreSQL).</summary>
    public Func<Task>? AfterSettle { get; set; }

    /// <summary>Completed when a settlement starts, so a test can act (abort its client) mid-settlement.</summary>
    public TaskCompletionSource? SettleStarted { get; set; }

    public void Reset() => (_verifies, _settles) = (0, 0);

    public IFacilitator For(string network) => this;

    public Task<VerifyResponse> VerifyAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct)
    {
        Interlocked.Increment(ref _verifies);
        return Script(payload) switch
        {
            "verify_unavailable" => throw new FacilitatorUnavailableException("scripted outage"),
            "invalid" => Task.FromResult(new VerifyResponse(false, "invalid_exact_evm_payload_signature", "scripted", Payer(payload))),
            _ => Task.FromResult(new VerifyResponse(true, Payer: Payer(payload))),
        };
    }

    public async Task<SettleResponse> SettleAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct)
    {
        Interlocked.Increment(ref _settles);
        SettleStarted?.TrySetResult();
        var script = Script(payload);
        await Task.Delay(script == "slow_settle" ? 6000 : 20, ct); // long enough for racing requests to overlap
        var transaction = script == "same_tx" ? "0x" + new string('5', 64) : TransactionOf(payload);
        switch (script)
        {
            case "settle_fails": return new SettleResponse(false, "", requirements.Network, Payer(payload), "insufficient_funds", "scripted");
            case "settle_pending": return new SettleResponse(false, transaction, requirements.Network, Payer(payload), "settlement_pending", "scripted: sent, not confirmed in time");
            case "settle_unavailable": throw new FacilitatorUnavailableException("scripted outage");
            case "broadcast_unconfirmed": throw new SettlementUnknownException("scripted: sent, no receipt", transaction);
        }
        if (AfterSettle is { } after) await after();
        return new SettleResponse(true, transaction, requirements.Network, Payer(payload), Amount: requirements.Amount);
    }

    public Task<SupportedResponse> SupportedAsync(CancellationToken ct) =>
        Task.FromResult(new SupportedResponse([new SupportedKind(2, "exact", "eip155:84532")]));

    /// <summary>The transaction this double reports for a payment it settles (unless scripted otherwise).</summary>
    public static string TransactionOf(PaymentPayload payload) =>
        "0x" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload.Payload.ToJsonString())));

    /// <summary>The same, from the PAYMENT-SIGNATURE header a test sent.</summary>
    public static string TransactionOf(string paymentHeader) =>
        X402.X402Headers.TryDecodePayload(paymentHeader, out var payload, out var error) ? TransactionOf(payload) : throw new ArgumentException(error);

    private static string Script(PaymentPayload p) => p.Payload["script"]?.GetValue<string>() ?? "ok";

    private static string? Payer(PaymentPayload p) => p.Payload["authorization"]?["from"]?.GetValue<string>();
}
