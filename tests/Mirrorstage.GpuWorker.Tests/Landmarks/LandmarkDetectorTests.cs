using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests.Landmarks;

/// <summary>dlib's 68-point model run by our cascade on the fixture photo, cropped by the gateway's own code.</summary>
public class LandmarkDetectorTests
{
    /// <summary>Marked by hand on the gateway's 173x173 crop of astronaut.png, viewed at 8x with a 10 px grid.</summary>
    private static readonly (int Index, string What, float X, float Y)[] HandMarked =
    [
        (36, "right eye, outer corner", 54.5f, 65f),
        (39, "right eye, inner corner", 74.5f, 66.5f),
        (42, "left eye, inner corner", 98f, 67.5f),
        (45, "left eye, outer corner", 120f, 65.5f),
        (30, "nose tip", 86f, 90.5f),
        (48, "mouth, right corner", 65f, 104.5f),
        (54, "mouth, left corner", 106f, 105f),
        (57, "lower lip, bottom", 85f, 118f),
        (8, "chin", 85f, 141f),
    ];

    [Fact]
    public void Landmarks_on_the_fixture_lie_within_a_few_pixels_of_hand_marked_positions()
    {
        var l = FixtureFace.Image.Landmarks;
        Assert.Equal((173, 173), (l.Width, l.Height));
        foreach (var (i, what, x, y) in HandMarked)
        {
            var d = Distance(l[i], new(x, y));
            Assert.True(d <= 4, $"{what} (#{i}) at ({l[i].X:0.0}, {l[i].Y:0.0}), marked at ({x}, {y}): {d:0.0} px off");
        }
    }

    [Fact]
    public void A_flipped_photo_gives_the_mirrored_landmarks()
    {
        var image = FixtureFace.Image;
        using var crop = Cv2.ImDecode(image.CropPng, ImreadModes.Color);
        using var flipped = crop.Flip(FlipMode.Y);
        var box = BoxAround(image.Landmarks);
        var mirroredBox = new Rect(crop.Width - box.Right, box.Y, box.Width, box.Height);

        var straight = FixtureFace.Landmarks.Fit(crop, box).Landmarks!;
        var fromFlipped = FixtureFace.Landmarks.Fit(flipped, mirroredBox).Landmarks!;
        var expected = straight.Mirrored();
        var errors = Enumerable.Range(0, 68).Select(i => Distance(fromFlipped[i], expected[i])).ToList();
        Assert.True(errors.Average() < 2.5, $"mean mirror error {errors.Average():0.00} px");
        Assert.True(errors.Max() < 6, $"worst mirror error {errors.Max():0.00} px at #{errors.IndexOf(errors.Max())}");
        // Mirroring renames: the right eye's outer corner of the flipped photo is the left eye's, moved across.
        Assert.True(fromFlipped[36].X < fromFlipped[45].X);
    }

    [Fact]
    public void The_box_is_refined_from_the_fit_so_a_loose_start_lands_on_the_same_face()
    {
        var image = FixtureFace.Image;
        using var crop = Cv2.ImDecode(image.CropPng, ImreadModes.Color);
        var box = BoxAround(image.Landmarks);
        var loose = new Rect(box.X - 12, box.Y - 15, box.Width + 26, box.Height + 26);
        var fit = FixtureFace.Landmarks.Fit(crop, loose).Landmarks!;
        var errors = Enumerable.Range(0, 68).Select(i => Distance(fit[i], image.Landmarks[i])).ToList();
        Assert.True(errors.Average() < 2, $"mean difference {errors.Average():0.00} px");
    }

    private static Rect BoxAround(FaceLandmarks l)
    {
        var xs = l.Points.Select(p => p.X).ToList();
        var ys = l.Points.Select(p => p.Y).ToList();
        return new Rect((int)xs.Min(), (int)ys.Min(), (int)(xs.Max() - xs.Min()), (int)(ys.Max() - ys.Min()));
    }

    internal static float Distance(LandmarkPoint a, LandmarkPoint b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
