using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Imaging;

namespace Mirrorstage.GpuWorker.Tests.Landmarks;

/// <summary>The landmarks are written beside the crop when a photo is stored and read back with it, so a
/// worker never fits them again.</summary>
public class StoredLandmarksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ms-landmarks-").FullName;

    [Fact]
    public async Task A_stored_photo_loads_back_with_its_landmarks()
    {
        var blobs = new FolderBlobStore(_dir);
        var photo = await File.ReadAllBytesAsync(Fixtures.Path("faces", "astronaut.png"));
        var reference = await ReferenceImages.StoreAsync(blobs, ReferenceImages.Hash(photo), photo, FixtureFace.Image, CancellationToken.None);

        Assert.Equal(reference.CropKey.Replace(".png", ".landmarks.json"), ReferenceImages.LandmarksKey(reference.CropKey));
        var face = await ReferenceImages.LoadAsync(blobs, reference.CropKey, CancellationToken.None);
        Assert.NotNull(face);
        Assert.Equal(FixtureFace.Image.CropPng, face.CropPng);
        Assert.Equal(FixtureFace.Image.Landmarks[30].X, face.Landmarks[30].X, 2);
    }

    [Fact]
    public async Task A_crop_without_landmarks_or_with_broken_ones_does_not_load()
    {
        var blobs = new FolderBlobStore(_dir);
        await blobs.PutAsync("crops/a-173.png", FixtureFace.Image.CropPng, "image/png", CancellationToken.None);
        Assert.Null(await ReferenceImages.LoadAsync(blobs, "crops/a-173.png", CancellationToken.None));
        await blobs.PutAsync("crops/a-173.landmarks.json", "{\"width\":1,\"height\":1,\"points\":[]}"u8.ToArray(), "application/json", CancellationToken.None);
        Assert.Null(await ReferenceImages.LoadAsync(blobs, "crops/a-173.png", CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
