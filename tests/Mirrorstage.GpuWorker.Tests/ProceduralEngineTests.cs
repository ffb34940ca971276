using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Sessions;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The procedural engine on the fixture face (a smile showing teeth), cropped and fitted by the
/// gateway's own code. Set MIRRORSTAGE_DUMP_FRAMES to a folder to look at the frames.</summary>
public class ProceduralEngineTests
{
    private static Mat Crop() => Cv2.ImDecode(Landmarks.FixtureFace.Image.CropPng, ImreadModes.Color);
    private static ProceduralEngine Engine(Mat crop) => new(crop, Landmarks.FixtureFace.Image.Landmarks, 512, 512);

    private static Mat Render(ProceduralEngine engine, FrameDrive drive)
    {
        var frame = new Mat(512, 512, MatType.CV_8UC3);
        engine.Render(drive, frame);
        return frame;
    }

    /// <summary>A filled polygon through some posed or rest vertices.</summary>
    internal static Mat Polygon(ReadOnlySpan<float> points, IEnumerable<int> indices)
    {
        var list = new List<Point>();
        foreach (var i in indices) list.Add(new Point((int)MathF.Round(points[2 * i]), (int)MathF.Round(points[2 * i + 1])));
        var mask = new Mat(512, 512, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(mask, [list.ToArray()], Scalar.All(255));
        return mask;
    }

    private static IEnumerable<int> InnerLips => FaceMesh.InnerUpper.Concat(FaceMesh.InnerLower.Reverse().Skip(1).SkipLast(1));
    private static IEnumerable<int> Ring(int first) => Enumerable.Range(first, FaceMesh.RingCount);

    [Fact]
    public void Outside_the_face_hull_every_pixel_is_the_photo_when_the_head_is_still()
    {
        using var crop = Crop();
        using var engine = Engine(crop);
        using var photo = Render(engine, default); // rest pose moves the lips only: compare against the photo itself
        using var expected = crop.Resize(new Size(512, 512), 0, 0, InterpolationFlags.Cubic);
        using var frame = Render(engine, new FrameDrive(0.9, 0.5, 1, 0));
        Dump(frame, "open-blink");
        using var hull = Polygon(engine.Mesh.Rest, Ring(FaceMesh.InnerRing));
        using var outside = new Mat();
        Cv2.BitwiseNot(hull, outside);
        using var diff = new Mat();
        Cv2.Absdiff(frame, expected, diff);
        Cv2.MinMaxLoc(diff.Reshape(1), out _, out double worst, out _, out _, outside.Resize(new Size(512 * 3, 512), 0, 0, InterpolationFlags.Nearest));
        Assert.Equal(0, worst);
        Assert.True(engine.LastRegion.Width < 400, $"the frame resampled {engine.LastRegion}, not just the face");
        // ...and inside, the face did move.
        Cv2.Absdiff(frame, photo, diff);
        Assert.True(Cv2.Mean(diff, hull).Val0 > 1);
    }

    [Fact]
    public void An_open_mouth_shows_a_dark_interior_between_the_posed_inner_lips()
    {
        using var crop = Crop();
        using var engine = Engine(crop);
        using var frame = Render(engine, new FrameDrive(1, 0, 0, 0));
        Dump(frame, "open");
        using var inner = Polygon(engine.Posed, InnerLips);
        using var gray = frame.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var ring = Polygon(engine.Posed, FaceMesh.OuterUpper.Concat(FaceMesh.OuterLower.Reverse().Skip(1).SkipLast(1)));
        using var lips = new Mat();
        Cv2.Subtract(ring, inner, lips);
        var interior = Cv2.Mean(gray, inner).Val0;
        Assert.True(Cv2.CountNonZero(inner) > 1500, $"an open mouth of {Cv2.CountNonZero(inner)} px");
        Assert.True(interior < Cv2.Mean(gray, lips).Val0 - 25, $"interior {interior:0} against lips {Cv2.Mean(gray, lips).Val0:0}");
        // The upper teeth hang from the upper lip: a bright band right under it.
        var below = (int)(engine.Posed[2 * 62 + 1] + 4);
        var x = (int)engine.Posed[2 * 62];
        Assert.True(gray.At<byte>(below, x) > 150, $"upper teeth at ({x}, {below}): {gray.At<byte>(below, x)}");
    }

    [Fact]
    public void In_silence_the_lips_close_over_the_teeth_the_photo_shows()
    {
        using var crop = Crop();
        using var engine = Engine(crop);
        using var photo = crop.Resize(new Size(512, 512), 0, 0, InterpolationFlags.Cubic);
        using var frame = Render(engine, default);
        Dump(frame, "closed");
        // Between the photo's own inner lips its teeth are bright; closed, that band is lip.
        using var teeth = Polygon(engine.Mesh.Rest, InnerLips);
        using var before = photo.CvtColor(ColorConversionCodes.BGR2Lab);
        using var after = frame.CvtColor(ColorConversionCodes.BGR2Lab);
        Assert.True(Cv2.Mean(after, teeth).Val0 < Cv2.Mean(before, teeth).Val0 - 20, $"lightness {Cv2.Mean(before, teeth).Val0:0} -> {Cv2.Mean(after, teeth).Val0:0}");
        Assert.True(Cv2.Mean(after, teeth).Val1 > Cv2.Mean(before, teeth).Val1 + 5, "closed lips are redder than teeth");
    }

    [Fact]
    public void A_blink_brings_the_upper_eyelids_down()
    {
        using var crop = Crop();
        using var engine = Engine(crop);
        using var open = Render(engine, default);
        using var eye = Polygon(engine.Mesh.Rest, Enumerable.Range(36, 6));
        var shut = Enumerable.Range(0, 25 * 8).First(n => IdleMotion.At(n, 25).Blink > 0.9); // mid-blink
        using var blink = Render(engine, IdleMotion.At(shut, 25));
        Dump(blink, "blink");
        Assert.True(engine.Posed[2 * 37 + 1] > engine.Mesh.Rest[2 * 37 + 1] + 3, "upper lid moved down");
        using var a = open.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var b = blink.CvtColor(ColorConversionCodes.BGR2GRAY);
        // The dark iris is covered by lid skin: the eye gets lighter.
        Assert.True(Cv2.Mean(b, eye).Val0 > Cv2.Mean(a, eye).Val0 + 10, $"eye {Cv2.Mean(a, eye).Val0:0} -> {Cv2.Mean(b, eye).Val0:0}");
    }

    [Fact]
    public void The_head_turns_inside_the_outer_ring_and_the_photo_beyond_it_stays()
    {
        using var crop = Crop();
        using var engine = Engine(crop);
        using var still = Render(engine, default);
        using var turned = Render(engine, default(FrameDrive) with { HeadRoll = 0.04, HeadX = 0.006 });
        Dump(turned, "turned");
        using var diff = new Mat();
        Cv2.Absdiff(still, turned, diff);
        using var face = Polygon(engine.Mesh.Rest, Enumerable.Range(17, 10).Concat([16, 8, 0]));
        Assert.True(Cv2.Mean(diff, face).Val0 > 3, "the face moved");
        using var ring = Polygon(engine.Mesh.Rest, Ring(FaceMesh.OuterRing));
        using var outside = new Mat();
        Cv2.BitwiseNot(ring, outside);
        Assert.Equal(0, Cv2.Mean(diff, outside).Val0, 6);
    }

    private static void Dump(Mat frame, string name)
    {
        if (Environment.GetEnvironmentVariable("MIRRORSTAGE_DUMP_FRAMES") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            frame.ImWrite(Path.Combine(dir, name + ".png"));
        }
    }
}

/// <summary>The seam figure: along the ring where the warp ends, the frame's gradient is the photo's.</summary>
public class SeamTests
{
    [Fact]
    public void At_the_edge_of_the_warp_the_gradient_matches_the_photo()
    {
        using var crop = Cv2.ImDecode(Landmarks.FixtureFace.Image.CropPng, ImreadModes.Color);
        using var engine = new ProceduralEngine(crop, Landmarks.FixtureFace.Image.Landmarks, 512, 512);
        using var photo = crop.Resize(new Size(512, 512), 0, 0, InterpolationFlags.Cubic);
        using var frame = new Mat(512, 512, MatType.CV_8UC3);
        engine.Render(new FrameDrive(1, 0.5, 1, 0), frame);
        var still = Measurement.SeamCheck.Measure(photo, frame, engine.Mesh.Rest, FaceMesh.InnerRing);
        Assert.True(still.GradientMismatch < 0.05, $"mismatch {still.GradientMismatch:0.000} at the inner ring");
        Assert.Equal(0, still.ChangedOutside);

        engine.Render(new FrameDrive(1, 0.5, 0, 0) { HeadRoll = 0.03, HeadY = 0.01 }, frame);
        var moving = Measurement.SeamCheck.Measure(photo, frame, engine.Mesh.Rest, FaceMesh.OuterRing);
        Assert.True(moving.GradientMismatch < 0.15, $"mismatch {moving.GradientMismatch:0.000} at the outer ring");
        Assert.Equal(0, moving.ChangedOutside);

        // The figure can fail: a frame shifted by 3 px everywhere but beyond the ring is pasted-on.
        using var pasted = photo.Clone();
        using (var shifted = photo.WarpAffine(Mat.FromArray(new float[,] { { 1, 0, 3 }, { 0, 1, 3 } }), photo.Size()))
        using (var mask = new Mat(photo.Size(), MatType.CV_8UC1, Scalar.All(0)))
        {
            var ring = Enumerable.Range(FaceMesh.InnerRing, FaceMesh.RingCount).Select(i => new Point(engine.Mesh.Rest[2 * i], engine.Mesh.Rest[2 * i + 1])).ToArray();
            Cv2.FillPoly(mask, [ring], Scalar.All(255));
            shifted.CopyTo(pasted, mask);
        }
        var box = Measurement.SeamCheck.Measure(photo, pasted, engine.Mesh.Rest, FaceMesh.InnerRing);
        Assert.True(box.GradientMismatch > 0.2);
    }
}
