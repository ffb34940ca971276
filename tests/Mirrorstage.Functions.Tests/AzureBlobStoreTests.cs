using Azure.Storage.Blobs;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

/// <summary>The Azure Blob path against Azurite, started by scripts/services.sh.</summary>
[Collection(GatewayCollection.Name)]
public class AzureBlobStoreTests(AzureBlobGateway gateway)
{
    [Fact]
    public async Task Blobs_round_trip_and_a_missing_blob_is_null()
    {
        var store = new AzureBlobStore(new BlobContainerClient(TestEnvironment.AzuriteConnectionString, "roundtrip-" + Guid.NewGuid().ToString("N")[..8]));
        await store.PutAsync("crops/a.png", TestImages.Astronaut, "image/png", default);
        Assert.Equal(TestImages.Astronaut, await store.GetAsync("crops/a.png", default));
        Assert.Null(await store.GetAsync("crops/missing.png", default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../escape", new byte[1], "x", default));
    }

    [Fact]
    public async Task A_file_is_uploaded_as_it_is()
    {
        var store = new AzureBlobStore(new BlobContainerClient(TestEnvironment.AzuriteConnectionString, "files-" + Guid.NewGuid().ToString("N")[..8]));
        var path = Path.GetTempFileName();
        var data = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(path, data);
        await store.PutFileAsync("recordings/s1/1.mp4", path, "video/mp4", default);
        Assert.Equal(data, await store.GetAsync("recordings/s1/1.mp4", default));
        File.Delete(path);
    }

    [Fact]
    public async Task A_created_session_keeps_its_photo_and_crop_in_Azure()
    {
        var json = await JsonAsync(await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var created = (await gateway.EventsOfAsync(json["session_id"]!.GetValue<string>())).OfType<SessionCreated>().Single();

        var blobs = (IBlobStore)gateway.Services.GetService(typeof(IBlobStore))!;
        Assert.IsType<AzureBlobStore>(blobs);
        Assert.Equal(TestImages.Astronaut, await blobs.GetAsync(created.Reference.OriginalKey, default));
        var crop = await blobs.GetAsync(created.Reference.CropKey, default);
        Assert.NotNull(crop);
        Assert.Equal(Imaging.ImageKind.Png, Imaging.ImageHeader.Sniff(crop));
    }
}

public class FolderBlobStoreTests
{
    [Fact]
    public async Task Keys_cannot_escape_the_folder()
    {
        var store = new FolderBlobStore(Path.Combine(Path.GetTempPath(), "ms-blobs-" + Guid.NewGuid().ToString("N")));
        foreach (var key in new[] { "../x", "/etc/passwd", "a/../../b", "UPPER", "" })
            await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, new byte[1], "x", default));
        await store.PutAsync("a/b.png", new byte[] { 1, 2 }, "image/png", default);
        Assert.Equal(new byte[] { 1, 2 }, await store.GetAsync("a/b.png", default));
    }
}
