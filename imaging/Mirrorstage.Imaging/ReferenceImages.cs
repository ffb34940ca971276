using System.Security.Cryptography;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Imaging.Landmarks;
using Mirrorstage.Infrastructure.Storage;

namespace Mirrorstage.Imaging;

/// <summary>A stored face crop with the landmarks fitted on it when the photo arrived.</summary>
public sealed record StoredFace(byte[] CropPng, FaceLandmarks Landmarks);

/// <summary>Where a reference photo, its crop and the crop's landmarks live in the blob store: keyed by the
/// photo's SHA-256, so the same photo sent twice is stored once. The landmarks sit beside the crop
/// (`crops/{hash}-{size}.landmarks.json`), so the reference's crop key names both.</summary>
public static class ReferenceImages
{
    public static string Hash(ReadOnlySpan<byte> original) => Convert.ToHexStringLower(SHA256.HashData(original));

    public static string LandmarksKey(string cropKey) => Path.ChangeExtension(cropKey, ".landmarks.json");

    public static async Task<ReferenceImage> StoreAsync(IBlobStore blobs, string hash, byte[] original, ProcessedImage image, CancellationToken ct)
    {
        var originalKey = $"references/{hash}.{image.Extension}";
        var cropKey = $"crops/{hash}-{image.CropSize}.png";
        await Task.WhenAll(
            blobs.PutAsync(originalKey, original, image.ContentType, ct),
            blobs.PutAsync(cropKey, image.CropPng, "image/png", ct),
            blobs.PutAsync(LandmarksKey(cropKey), image.Landmarks.ToUtf8Json(), "application/json", ct));
        return new ReferenceImage(originalKey, cropKey, image.CropSize);
    }

    /// <summary>The crop and its landmarks; null when either is missing or the landmarks are unreadable
    /// (a crop without landmarks cannot be animated).</summary>
    public static async Task<StoredFace?> LoadAsync(IBlobStore blobs, string cropKey, CancellationToken ct)
    {
        var crop = blobs.GetAsync(cropKey, ct);
        var landmarks = blobs.GetAsync(LandmarksKey(cropKey), ct);
        if (await crop is not { } png || await landmarks is not { } json) return null;
        try
        {
            return new StoredFace(png, FaceLandmarks.FromJson(json));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
