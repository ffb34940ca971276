using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Mirrorstage.Events.Pricing;
using Mirrorstage.Events.Wallets;
using Mirrorstage.Functions.Api;
using Mirrorstage.Imaging;

namespace Mirrorstage.Functions.Sessions;

/// <summary>The multipart fields of POST /v1/sessions, checked for shape (400/413) before anything costly.</summary>
public sealed record CreateSessionForm(int DurationMinutes, string? OutputUrl, string? Wallet, byte[] Image, string? LivekitToken = null)
{
    public static async Task<CreateSessionForm> ReadAsync(HttpRequest request, PricingOptions pricing, ImageOptions images, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            throw ApiException.BadRequest("multipart_required", "Send multipart/form-data with reference_image and accept_tos=true.");

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = images.MaxBytes + 1024 * 1024 }, ct);
        }
        catch (InvalidDataException e) when (e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(413, "image_too_large", $"The upload exceeds the {images.MaxBytes}-byte limit for reference_image.");
        }
        // Kestrel's body limit (BadHttpRequestException 413, itself an IOException) is answered as request_too_large.
        catch (Exception e) when (e is not BadHttpRequestException { StatusCode: 413 } && e is InvalidDataException or IOException or FormatException)
        {
            throw ApiException.BadRequest("invalid_multipart", "The multipart body is malformed or truncated.");
        }

        if (!IsTrue(form["accept_tos"]))
            throw ApiException.BadRequest("tos_not_accepted", "accept_tos must be true; read the terms at GET /tos.");

        var duration = ParseDuration(form["duration_minutes"], pricing);
        var outputUrl = NullIfEmpty(form["output_url"]);
        var wallet = NullIfEmpty(form["wallet"]);
        if (wallet is not null && !WalletAddress.IsValid(wallet))
            throw ApiException.BadRequest("invalid_wallet", "wallet must be a 0x EVM address or a base58 Solana address.");

        var file = form.Files.GetFile("reference_image")
            ?? throw ApiException.BadRequest("reference_image_required", "Attach the face photo as the reference_image file field.");
        if (file.Length > images.MaxBytes)
            throw new ApiException(413, "image_too_large", $"reference_image is {file.Length} bytes; the limit is {images.MaxBytes}.");
        if (file.Length == 0)
            throw ApiException.BadRequest("reference_image_required", "reference_image is empty.");

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(bytes, ct);
        return new CreateSessionForm(duration, outputUrl, wallet, bytes, NullIfEmpty(form["livekit_token"]));
    }

    private static int ParseDuration(string? raw, PricingOptions pricing)
    {
        if (string.IsNullOrWhiteSpace(raw)) return pricing.DefaultDurationMinutes;
        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes < pricing.MinDurationMinutes || minutes > pricing.MaxDurationMinutes)
            throw ApiException.BadRequest("invalid_duration",
                $"duration_minutes must be a whole number from {pricing.MinDurationMinutes} to {pricing.MaxDurationMinutes}.");
        return minutes;
    }

    private static bool IsTrue(string? v) => v?.Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on";

    private static string? NullIfEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
