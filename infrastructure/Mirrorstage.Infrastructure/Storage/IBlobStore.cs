namespace Mirrorstage.Infrastructure.Storage;

/// <summary>Where reference photos and face crops are kept. Keys are lower-case paths like "crops/ab12.png".</summary>
public interface IBlobStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> data, string contentType, CancellationToken ct);
    Task<byte[]?> GetAsync(string key, CancellationToken ct);
    /// <summary>Stores a file without loading it into memory (recordings run to hundreds of MB).</summary>
    Task PutFileAsync(string key, string path, string contentType, CancellationToken ct);
}

public sealed class BlobOptions
{
    public const string Section = "Mirrorstage:Blobs";
    /// <summary>"folder" (default) or "azure".</summary>
    public string Provider { get; set; } = "folder";
    public string Folder { get; set; } = "data/blobs";
    public string? AzureConnectionString { get; set; }
    /// <summary>For managed identity instead of a connection string: https://ACCOUNT.blob.core.windows.net</summary>
    public string? AzureServiceUri { get; set; }
    public string AzureContainer { get; set; } = "references";
}

public static class BlobKeys
{
    public static bool IsValid(string key) =>
        key.Length is > 0 and <= 200 && !key.Contains("..") && !key.StartsWith('/')
        && key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '/' or '-' or '.' or '_');

    public static string Require(string key) =>
        IsValid(key) ? key : throw new ArgumentException($"Invalid blob key '{key}'.", nameof(key));
}
