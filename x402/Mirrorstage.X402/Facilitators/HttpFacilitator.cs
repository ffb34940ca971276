using System.Net.Http.Json;
using System.Text.Json;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Facilitators;

/// <summary>A remote x402 facilitator over its standard HTTP API.</summary>
public sealed class HttpFacilitator(HttpClient http) : IFacilitator
{
    public Task<VerifyResponse> VerifyAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct) =>
        PostAsync<VerifyResponse>("verify", new FacilitatorRequest(X402Headers.Version, payload, requirements), ct);

    public Task<SettleResponse> SettleAsync(PaymentPayload payload, PaymentRequirements requirements, CancellationToken ct) =>
        PostAsync<SettleResponse>("settle", new FacilitatorRequest(X402Headers.Version, payload, requirements), ct);

    public async Task<SupportedResponse> SupportedAsync(CancellationToken ct)
    {
        try
        {
            return await http.GetFromJsonAsync<SupportedResponse>("supported", X402Json.Options, ct)
                   ?? throw new FacilitatorUnavailableException("The facilitator's /supported answer was empty.");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new FacilitatorUnavailableException($"Facilitator /supported failed: {e.Message}", e);
        }
    }

    private async Task<T> PostAsync<T>(string path, FacilitatorRequest body, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(path, body, X402Json.Options, ct);
            // A facilitator answers a refused payment with 200 (or 400) and a body saying why; 5xx is an outage.
            if ((int)response.StatusCode >= 500)
                throw new FacilitatorUnavailableException($"Facilitator /{path} answered {(int)response.StatusCode}.");
            return await response.Content.ReadFromJsonAsync<T>(X402Json.Options, ct)
                   ?? throw new FacilitatorUnavailableException($"Facilitator /{path} answered an empty body.");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new FacilitatorUnavailableException($"Facilitator /{path} failed: {e.Message}", e);
        }
    }
}
