using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402;

/// <summary>HTTP transport v2: standard base64 of UTF-8 JSON in PAYMENT-* headers.</summary>
public static class X402Headers
{
    public const string PaymentRequired = "PAYMENT-REQUIRED";
    public const string PaymentSignature = "PAYMENT-SIGNATURE";
    public const string PaymentResponse = "PAYMENT-RESPONSE";
    public const int Version = 2;

    /// <summary>Headers larger than this are refused before decoding (a Solana transaction is ~1.6 KB).</summary>
    public const int MaxSignatureHeaderLength = 16 * 1024;

    public static string Encode<T>(T value) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value, X402Json.Options));

    /// <summary>Decodes a PAYMENT-SIGNATURE header; on failure says why in words a client can act on.</summary>
    public static bool TryDecodePayload(string? header, [NotNullWhen(true)] out PaymentPayload? payload, out string error)
    {
        payload = null;
        error = "";
        if (string.IsNullOrWhiteSpace(header)) { error = "PAYMENT-SIGNATURE is empty."; return false; }
        if (header.Length > MaxSignatureHeaderLength) { error = "PAYMENT-SIGNATURE is too long."; return false; }

        if (!CanonicalBase64.TryDecode(header, MaxSignatureHeaderLength, out var json))
        {
            error = "PAYMENT-SIGNATURE must be standard base64 (+/ alphabet, = padding) in its one canonical spelling.";
            return false;
        }

        try
        {
            payload = JsonSerializer.Deserialize<PaymentPayload>(json, X402Json.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            error = $"PAYMENT-SIGNATURE is not a JSON PaymentPayload: {e.Message}";
            return false;
        }

        if (payload?.Accepted is not { Scheme: not null, Network: not null, Amount: not null, Asset: not null, PayTo: not null } || payload.Payload is null)
        {
            error = "PAYMENT-SIGNATURE must carry x402Version, accepted and payload.";
            payload = null;
            return false;
        }
        if (payload.X402Version != Version)
        {
            error = $"x402Version {payload.X402Version} is not supported; use {Version}.";
            payload = null;
            return false;
        }
        return true;
    }
}
