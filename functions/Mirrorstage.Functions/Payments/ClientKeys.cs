using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mirrorstage.Functions.Api;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Payments;

/// <summary>The client's own secret name for one logical request: the `Idempotency-Key` header, or x402's
/// `payment-identifier` extension in the payload. A paid retry gets its session token back only with the same
/// key: everything else about a payment becomes public on chain once it settles.</summary>
public static class ClientKeys
{
    public const string Header = "Idempotency-Key";
    public const string Extension = "payment-identifier";

    /// <summary>SHA-256 of the key (the store never holds it in clear), or null when the client sent none.</summary>
    public static string? HashOf(HttpRequest request, PaymentPayload? payload)
    {
        if (request.Headers.TryGetValue(Header, out var values))
        {
            var key = values.ToString();
            if (values.Count != 1 || key.Length is < 8 or > 255 || key.Any(c => c is < '!' or > '~'))
                throw ApiException.BadRequest("invalid_idempotency_key", "Idempotency-Key must be one value of 8 to 255 visible ASCII characters (a random UUID is ideal).");
            return Hash(key);
        }
        // Official clients echo the 402's declaration ({"info":{"required":false}}) back: no id, no key.
        if (payload?.Extensions?[Extension] is not JsonObject { } extension || extension["info"] is not JsonObject info
            || info["id"] is not { } node) return null;
        var id = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        if (id is null || id.Length is < 16 or > 128 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw ApiException.BadRequest("invalid_payment_signature", "extensions.payment-identifier.info.id must be 16 to 128 characters of A-Z, a-z, 0-9, - and _.");
        return Hash(id);
    }

    // One namespace for both spellings: the same key by header or by extension names the same request.
    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("client-key:" + key)));
}
