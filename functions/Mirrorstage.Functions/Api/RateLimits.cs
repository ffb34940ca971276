using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Payments;
using Mirrorstage.X402;

namespace Mirrorstage.Functions.Api;

/// <summary>Fair use, bound from "Mirrorstage:RateLimits". Counted per fixed window of WindowSeconds.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Mirrorstage:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Unpaid work per client IP: creates without a payment (402 answers, price-0 sessions), extends
    /// without one, share links and view credentials.</summary>
    public int UnpaidPerClientIp { get; set; } = 30;

    /// <summary>Paid creates and extends per paying wallet (x402 payer or credit wallet).</summary>
    public int PaidPerWallet { get; set; } = 20;

    /// <summary>Paid creates and extends per client IP, whatever wallet they name: a wallet is only a claim until
    /// the payment settles, so a caller rotating fresh wallets is bounded by its address.</summary>
    public int PaidPerClientIp { get; set; } = 120;

    public double WindowSeconds { get; set; } = 60;
}

/// <summary>Which budgets a request spends, decided from the request line and headers alone (nothing is read
/// or verified here): its client IP's (unpaid or paid), and for a paid request the wallet it names. None for the
/// requests that are not limited (status, end, health, terms).</summary>
public static class RateLimitBudget
{
    public static (string? Ip, string? Wallet) For(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var paying = HttpMethods.IsPost(request.Method) && (path == "/v1/sessions" || (path.StartsWith("/v1/sessions/", StringComparison.Ordinal) && path.EndsWith("/extend", StringComparison.Ordinal)));
        var viewing = (HttpMethods.IsPost(request.Method) && path.StartsWith("/v1/sessions/", StringComparison.Ordinal) && path.EndsWith("/share", StringComparison.Ordinal))
                      || (HttpMethods.IsGet(request.Method) && (path.StartsWith("/v1/view/", StringComparison.Ordinal) || path.StartsWith("/view/", StringComparison.Ordinal)));
        if (!paying && !viewing) return (null, null);
        var ip = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return paying && Wallet(request) is { } wallet ? ("paid-ip:" + ip, "wallet:" + wallet) : ("ip:" + ip, null);
    }

    /// <summary>The wallet a paid request names: the x402 EVM payer, or the credit challenge's wallet. A payment
    /// that does not decode, or names no wallet before verification (Solana), counts as unpaid work.</summary>
    private static string? Wallet(HttpRequest request)
    {
        if (request.Headers[X402Headers.PaymentSignature].ToString() is { Length: > 0 } header)
            return X402Headers.TryDecodePayload(header, out var payload, out _) && PaymentIdentity.TryRead(payload, out var identity, out _) ? identity.Payer : null;
        if (!CreditChallenges.IsCreditPayment(request)) return null;
        var challenge = request.Headers[CreditChallenges.ChallengeHeader].ToString().Split('.')[0];
        try
        {
            var text = Encoding.UTF8.GetString(SessionTokens.FromBase64Url(challenge));
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("Wallet: ", StringComparison.Ordinal))?[8..];
            return line is not null && WalletAddress.IsValid(line) ? WalletAddress.Normalize(line) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public static class RateLimits
{
    public static void AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.UnpaidPerClientIp > 0 && o.PaidPerWallet > 0 && o.PaidPerClientIp > 0 && o.WindowSeconds > 0,
                "Mirrorstage:RateLimits: UnpaidPerClientIp, PaidPerWallet, PaidPerClientIp and WindowSeconds must be above 0.")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var l = limits.Value;
            PartitionedRateLimiter<HttpContext> Budget(Func<(string? Ip, string? Wallet), string?> pick, Func<string, int> permits) =>
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    (l.Enabled ? pick(RateLimitBudget.For(http.Request)) : null) is not { } budget
                        ? RateLimitPartition.GetNoLimiter("unlimited")
                        : RateLimitPartition.GetFixedWindowLimiter(budget, key => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = permits(key), Window = TimeSpan.FromSeconds(l.WindowSeconds), QueueLimit = 0,
                        }));
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Budget(b => b.Ip, key => key.StartsWith("paid-ip:", StringComparison.Ordinal) ? l.PaidPerClientIp : l.UnpaidPerClientIp),
                Budget(b => b.Wallet, _ => l.PaidPerWallet));
            o.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : (int)Math.Ceiling(l.WindowSeconds);
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ErrorHandling.Write(context.HttpContext, 429, "rate_limited",
                    $"Too many requests; retry in {seconds} s. Nothing was charged.");
            };
        });
    }
}
