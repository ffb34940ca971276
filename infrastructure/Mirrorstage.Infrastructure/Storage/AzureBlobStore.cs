using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Mirrorstage.Infrastructure.Storage;

/// <summary>Blobs in an Azure Storage container (Azurite locally).</summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    private readonly Lazy<Task> _created = new(() => container.CreateIfNotExistsAsync());

    public async Task PutAsync(string key, ReadOnlyMemory<byte> data, string contentType, CancellationToken ct)
    {
        await _created.Value;
        var blob = container.GetBlobClient(BlobKeys.Require(key));
        await blob.UploadAsync(BinaryData.FromBytes(data),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);
    }

    public async Task PutFileAsync(string key, string path, string contentType, CancellationToken ct)
    {
        await _created.Value;
        await container.GetBlobClient(BlobKeys.Require(key)).UploadAsync(path,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        await _created.Value;
        try
        {
            var result = await container.GetBlobClient(BlobKeys.Require(key)).DownloadContentAsync(ct);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
