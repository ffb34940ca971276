using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Facilitators;

/// <summary>Verifies and settles payments for one or more networks.</summary>
public interface IFacilitator
{
    Task<VerifyResponse> VerifyAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct);
    Task<SettleResponse> SettleAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct);
    Task<SupportedResponse> SupportedAsync(CancellationToken ct);
}

/// <summary>Finds the facilitator that serves a network.</summary>
public interface IFacilitatorRouter
{
    IFacilitator For(string network);
}

/// <summary>The facilitator could not be reached or answered nonsense: not the payer's fault.</summary>
public class FacilitatorUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
