namespace Mirrorstage.Infrastructure.Storage;

/// <summary>Blobs as files under one folder: the local and all-in-one default.</summary>
public sealed class FolderBlobStore(string root) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(root);

    public async Task PutAsync(string key, ReadOnlyMemory<byte> data, string contentType, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temp, data.ToArray(), ct);
        File.Move(temp, path, overwrite: true); // readers never see half a file
    }

    public async Task PutFileAsync(string key, string path, string contentType, CancellationToken ct)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        await using (var from = File.OpenRead(path))
        await using (var to = File.Create(temp))
            await from.CopyToAsync(to, ct);
        File.Move(temp, target, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : null;
    }

    private string PathOf(string key) => Path.Combine(_root, BlobKeys.Require(key));
}
