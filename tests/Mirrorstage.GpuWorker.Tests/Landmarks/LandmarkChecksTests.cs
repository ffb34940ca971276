using Mirrorstage.Imaging;
using Mirrorstage.Imaging.Landmarks;

namespace Mirrorstage.GpuWorker.Tests.Landmarks;

/// <summary>Fits that cannot be animated are refused with a reason; each case breaks one rule only.</summary>
public class LandmarkChecksTests
{
    private static FaceLandmarks Fixture => FixtureFace.Image.Landmarks;

    private static FaceLandmarks Moved(Func<int, LandmarkPoint, LandmarkPoint> move) =>
        Fixture with { Points = Fixture.Points.Select((p, i) => move(i, p)).ToArray() };

    [Fact]
    public void The_fixture_passes() => Assert.Null(LandmarkChecks.Problem(Fixture));

    [Fact]
    public void A_face_off_the_edge_is_refused() =>
        Assert.Contains("edge", LandmarkChecks.Problem(Moved((_, p) => p with { Y = p.Y + 40 })));

    [Fact]
    public void A_face_turned_on_its_side_is_refused()
    {
        var c = Fixture.Centre(0, 67);
        // A quarter turn about the face's centre keeps every point inside the crop.
        Assert.Contains("tilted", LandmarkChecks.Problem(Moved((_, p) => new(c.X - (p.Y - c.Y), c.Y + (p.X - c.X)))));
    }

    [Fact]
    public void A_mouth_above_the_nose_is_refused()
    {
        var lift = Fixture[30].Y - Fixture.Centre(48, 59).Y - 4;
        Assert.Contains("not where a face has them", LandmarkChecks.Problem(Moved((i, p) => i is >= 48 and <= 67 ? p with { Y = p.Y + lift } : p)));
    }

    [Fact]
    public void A_squeezed_jaw_as_in_a_profile_is_refused()
    {
        var c = Fixture.Centre(0, 16);
        Assert.Contains("turned too far", LandmarkChecks.Problem(Moved((i, p) => i <= 16 ? p with { X = c.X + (p.X - c.X) * 0.3f } : p)));
    }

    [Fact]
    public void The_processor_answers_422_with_the_reason_when_the_fit_fails()
    {
        // The real face is found by the Haar cascade; a model that always answers a sideways face makes the
        // landmark check the only thing that can refuse the photo.
        var processor = new ReferenceImageProcessor(FixtureFace.Options, new FaceDetector(FixtureFace.Options), new LandmarkDetector(SquashedModel()));
        var e = Assert.Throws<ImageRejected>(() => processor.Process(File.ReadAllBytes(Fixtures.Path("faces", "astronaut.png"))));
        Assert.Equal((422, "no_face_detected"), (e.Status, e.Code));
        Assert.Contains("could not be fitted", e.Message);
    }

    /// <summary>A one-level model with no trees whose mean shape is the fixture's, turned a quarter: it
    /// "finds" a sideways face anywhere.</summary>
    private static ShapeModel SquashedModel()
    {
        var l = Fixture;
        var mean = new float[136];
        for (var i = 0; i < 68; i++)
        {
            mean[2 * i] = 1 - l[i].Y / l.Height;
            mean[2 * i + 1] = l[i].X / l.Width;
        }
        return new ShapeModel(mean, [new CascadeLevel([], [], [], [], [], [], [], [])]);
    }
}
