using System.Text.Json.Nodes;

namespace Mirrorstage.X402.Models;

// x402 v2 wire types. Field names follow the spec (camelCase JSON, see X402Json).

public sealed record ResourceInfo(string Url, string? Description = null, string? MimeType = null);

/// <summary>One way to pay. Amount is a string of atomic units; never re-scale it.</summary>
public sealed record PaymentRequirements(
    string Scheme,
    string Network,
    string Amount,
    string Asset,
    string PayTo,
    int MaxTimeoutSeconds,
    JsonObject? Extra = null);

public sealed record PaymentRequired(
    int X402Version,
    string? Error,
    ResourceInfo Resource,
    IReadOnlyList<PaymentRequirements> Accepts,
    JsonObject? Extensions = null);

public sealed record PaymentPayload(
    int X402Version,
    PaymentRequirements Accepted,
    JsonObject Payload,
    ResourceInfo? Resource = null,
    JsonObject? Extensions = null);

public sealed record VerifyResponse(bool IsValid, string? InvalidReason = null, string? InvalidMessage = null, string? Payer = null);

public sealed record SettleResponse(
    bool Success,
    string Transaction,
    string Network,
    string? Payer = null,
    string? ErrorReason = null,
    string? ErrorMessage = null,
    string? Amount = null);

public sealed record SupportedKind(int X402Version, string Scheme, string Network, JsonObject? Extra = null);

public sealed record SupportedResponse(IReadOnlyList<SupportedKind> Kinds, IReadOnlyList<string>? Extensions = null, JsonObject? Signers = null);

/// <summary>Body of a facilitator's POST /verify and POST /settle.</summary>
public sealed record FacilitatorRequest(int X402Version, PaymentPayload PaymentPayload, PaymentRequirements PaymentRequirements);
