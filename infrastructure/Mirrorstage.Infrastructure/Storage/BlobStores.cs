using Azure.Storage.Blobs;

namespace Mirrorstage.Infrastructure.Storage;

public static class BlobStores
{
    /// <summary>The store that "Mirrorstage:Blobs" describes; gateway and worker build the same one.</summary>
    public static IBlobStore Create(BlobOptions o) => o.Provider.ToLowerInvariant() switch
    {
        "folder" => new FolderBlobStore(o.Folder),
        "azure" when !string.IsNullOrWhiteSpace(o.AzureConnectionString) =>
            new AzureBlobStore(new BlobContainerClient(o.AzureConnectionString, o.AzureContainer)),
        "azure" when !string.IsNullOrWhiteSpace(o.AzureServiceUri) =>
            new AzureBlobStore(new BlobContainerClient(new Uri($"{o.AzureServiceUri.TrimEnd('/')}/{o.AzureContainer}"), new Azure.Identity.DefaultAzureCredential())),
        _ => throw new InvalidOperationException($"Mirrorstage:Blobs:Provider '{o.Provider}' needs its settings (Folder, or AzureConnectionString / AzureServiceUri)."),
    };
}
