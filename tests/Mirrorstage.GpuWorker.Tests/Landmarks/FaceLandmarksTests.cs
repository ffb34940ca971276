using System.Text.Json;
using Mirrorstage.Imaging.Landmarks;

namespace Mirrorstage.GpuWorker.Tests.Landmarks;

public class FaceLandmarksTests
{
    private static FaceLandmarks Fixture => FixtureFace.Image.Landmarks;

    [Fact]
    public void Json_round_trips_to_a_hundredth_of_a_pixel()
    {
        var back = FaceLandmarks.FromJson(Fixture.ToJson());
        Assert.Equal((Fixture.Width, Fixture.Height), (back.Width, back.Height));
        for (var i = 0; i < 68; i++) Assert.True(LandmarkDetectorTests.Distance(back[i], Fixture[i]) < 0.01f);
        Assert.StartsWith("{\"width\":173,\"height\":173,\"points\":[[", Fixture.ToJson());
    }

    [Theory]
    [InlineData("{\"width\":173,\"height\":173,\"points\":[[1,2]]}")]
    [InlineData("{\"width\":0,\"height\":173,\"points\":[]}")]
    [InlineData("{\"width\":173,\"height\":173,\"points\":[[1,2,3]]}")]
    public void Json_that_is_not_68_points_is_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => FaceLandmarks.FromJson(json));

    [Fact]
    public void Mirroring_twice_is_the_identity_and_swaps_the_eyes()
    {
        var once = Fixture.Mirrored();
        var twice = once.Mirrored();
        for (var i = 0; i < 68; i++) Assert.True(LandmarkDetectorTests.Distance(twice[i], Fixture[i]) < 1e-3f);
        Assert.Equal(Fixture.Width - 1 - Fixture[45].X, once[36].X, 3);
    }

    [Fact]
    public void Scaling_to_the_output_moves_every_point_by_the_same_factor()
    {
        var big = Fixture.ScaledTo(512, 512);
        Assert.Equal(Fixture[30].X * 512f / 173, big[30].X, 3);
        Assert.Equal((512, 512), (big.Width, big.Height));
    }
}
