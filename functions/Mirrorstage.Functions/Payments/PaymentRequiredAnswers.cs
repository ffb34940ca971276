using Mirrorstage.Functions.Api;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>Builds a 402: PAYMENT-REQUIRED with our requirements, and a CREDIT-CHALLENGE when a wallet is named.</summary>
public sealed class PaymentRequiredAnswers(PublicUrls urls, CreditChallenges challenges)
{
    public ApiException Build(HttpContext http, IReadOnlyList<PaymentRequirements> accepts, PaymentDemand demand, string code, string message)
    {
        var resource = new ResourceInfo(urls.Base(http.Request) + http.Request.Path, demand.Description, "application/json");
        var extensions = new System.Text.Json.Nodes.JsonObject
        {
            // x402's payment-identifier: a client may name its request here instead of the Idempotency-Key header.
            [ClientKeys.Extension] = new System.Text.Json.Nodes.JsonObject { ["info"] = new System.Text.Json.Nodes.JsonObject { ["required"] = false } },
        };
        var body = new PaymentRequired(X402Headers.Version, message, resource, accepts, extensions);
        var headers = new Dictionary<string, string> { [X402Headers.PaymentRequired] = X402Headers.Encode(body) };
        if (demand.CreditWallet is { } wallet)
            headers[CreditChallenges.ChallengeHeader] = challenges.Issue(wallet, demand.AmountAtomic, demand.RequestFingerprint);
        return new ApiException(402, code, message, headers);
    }
}
