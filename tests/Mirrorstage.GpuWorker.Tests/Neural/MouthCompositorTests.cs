using Mirrorstage.GpuWorker.Rendering.Neural;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests.Neural;

/// <summary>Paste-back on a synthetic frame: the model's mouth keeps its texture but takes the frame's colour,
/// and the feathered mask fades it in with no edge.</summary>
public class MouthCompositorTests
{
    private static readonly FaceRegion Region = new(new Rect(100, 80, 200, 240),
        Cv2.Ellipse2Poly(new Point(200, 260), new Size(70, 40), 0, 0, 360, 10),
        Cv2.Ellipse2Poly(new Point(200, 260), new Size(35, 15), 0, 0, 360, 10));

    [Fact]
    public void The_pasted_mouth_takes_the_frames_own_colour_and_keeps_its_texture()
    {
        using var compositor = new MouthCompositor(Region, 96);
        using var frame = new Mat(400, 400, MatType.CV_8UC3, new Scalar(90, 120, 170));
        var output = new float[3 * 96 * 96];
        for (var i = 0; i < output.Length; i++) output[i] = 0.8f + 0.15f * ((i / 96 / 4) % 2); // bright stripes: another colour
        using var pasted = new Mat();
        compositor.Paste(frame, output, pasted);

        using var mask = compositor.FrameMask(400, 400);
        using var core = new Mat();
        Cv2.Compare(mask, Scalar.All(0.99), core, CmpTypes.GT);
        var mean = Cv2.Mean(pasted, core);
        Assert.Equal(90, mean.Val0, 2.0);
        Assert.Equal(120, mean.Val1, 2.0);
        Assert.Equal(170, mean.Val2, 2.0);
        Cv2.MeanStdDev(pasted, out _, out var spread, core);
        Assert.True(spread.Val0 > 5, $"the stripes survive (std {spread.Val0:0.0})");

        // Feathered: the mask rises gradually from the outline's edge, and is zero at the box's edges.
        var row = Enumerable.Range(100, 100).Select(x => mask.At<float>(260, x)).ToArray();
        Assert.Equal(0, row[0]);
        Assert.Contains(row, v => v is > 0.2f and < 0.8f);
        using var top = new Mat(mask, new Rect(100, 80, 200, 1));
        Assert.Equal(0, Cv2.CountNonZero(top));
    }

    [Fact]
    public void A_dark_open_mouth_from_the_model_leaves_the_skin_ring_around_it_the_frames_own_colour()
    {
        using var compositor = new MouthCompositor(Region, 96);
        using var frame = new Mat(400, 400, MatType.CV_8UC3, new Scalar(90, 120, 170));
        // Skin of another colour, with a dark mouth interior well inside the mouth outline (35 x 15 around 200, 260).
        var output = new float[3 * 96 * 96];
        for (var v = 0; v < 96; v++)
        for (var u = 0; u < 96; u++)
        {
            double x = 100 + (u + 0.5) * 200 / 96, y = 80 + (v + 0.5) * 240 / 96;
            var dark = Math.Pow((x - 200) / 28, 2) + Math.Pow((y - 260) / 10, 2) < 1;
            for (var c = 0; c < 3; c++) output[c * 96 * 96 + v * 96 + u] = dark ? 0.05f : 0.75f;
        }
        using var pasted = new Mat();
        compositor.Paste(frame, output, pasted);

        using var mask = compositor.FrameMask(400, 400);
        using var ring = new Mat();
        Cv2.Compare(mask, Scalar.All(0.5), ring, CmpTypes.GT);
        Cv2.FillPoly(ring, [Region.Mouth], Scalar.All(0));
        var skin = Cv2.Mean(pasted, ring);
        var original = Cv2.Mean(frame, ring);
        Assert.Equal(original.Val0, skin.Val0, 2.0);
        Assert.Equal(original.Val1, skin.Val1, 2.0);
        Assert.Equal(original.Val2, skin.Val2, 2.0);
        using var mouth = new Mat(400, 400, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(mouth, [Region.Mouth], Scalar.All(255));
        Assert.True(Cv2.Mean(pasted, mouth).Val0 < original.Val0 - 20, "the mouth itself stays dark");
    }

    [Fact]
    public void The_input_is_the_box_twice_with_the_lower_half_of_the_first_blanked()
    {
        using var compositor = new MouthCompositor(Region, 96);
        using var frame = new Mat(400, 400, MatType.CV_8UC3, new Scalar(51, 102, 204));
        var input = new float[6 * 96 * 96];
        compositor.BuildInput(frame, input);
        var plane = 96 * 96;
        Assert.Equal(51 / 255f, input[10], 3);                        // B, upper half, masked copy
        Assert.Equal(0, input[95 * 96 + 10]);                           // B, lower half, masked copy: blank
        Assert.Equal(204 / 255f, input[2 * plane + 10], 3);            // R
        Assert.Equal(51 / 255f, input[3 * plane + 95 * 96 + 10], 3);   // reference: whole
        Assert.Equal(204 / 255f, input[5 * plane + 95 * 96 + 10], 3);
    }
}
