using Microsoft.Extensions.Options;
using Mirrorstage.X402;

namespace Mirrorstage.Functions.Payments;

/// <summary>Refuses to start with a payment network that could not take a payment, saying what is missing.</summary>
public sealed class PaymentOptionsValidator : IValidateOptions<PaymentOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentOptions options)
    {
        var problems = options.Enabled.SelectMany(KnownNetworks.Problems).Select(p => "Mirrorstage:Payments:Networks " + p).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
