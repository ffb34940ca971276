using System.Security.Cryptography;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Infrastructure.Storage;

namespace Mirrorstage.Imaging;

/// <summary>Where a reference photo and its crop live in the blob store: keyed by the photo's SHA-256, so the
/// same photo sent twice is stored once.</summary>
public static class ReferenceImages
{
    public static string Hash(ReadOnlySpan<byte> original) => Convert.ToHexStringLower(SHA256.HashData(original));

    public static async Task<ReferenceImage> StoreAsync(IBlobStore blobs, string hash, byte[] original, ProcessedImage image, CancellationToken ct)
    {
        var originalKey = $"references/{hash}.{image.Extension}";
        var cropKey = $"crops/{hash}-{image.CropSize}.png";
        await Task.WhenAll(
            blobs.PutAsync(originalKey, original, image.ContentType, ct),
            blobs.PutAsync(cropKey, image.CropPng, "image/png", ct));
        return new ReferenceImage(originalKey, cropKey, image.CropSize);
    }
}
