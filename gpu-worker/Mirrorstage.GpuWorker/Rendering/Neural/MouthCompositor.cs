using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>Builds the model's face input from a frame and pastes its output back. The input is the face box
/// resized to S x S twice over: with its lower half blanked (what to fill in) and whole (whose face it is), BGR,
/// 0..1, planar. The output goes back under a feathered lower-face mask, shifted to the frame's own colour, so no
/// edge or box shows; the colour is compared on the skin ring (the mask without the mouth), so a dark open mouth
/// does not brighten the skin around it. Pixels where the mask is zero are copied from the frame unchanged.
/// Immutable after construction: safe to use from the frame loop and the inference thread at once.</summary>
public sealed class MouthCompositor : IDisposable
{
    private readonly int _size;
    private readonly Mat _mask;   // CV_32FC3, box-sized, 0..1
    private readonly Mat _ring;   // the mask without the mouth: where the colour is compared
    private readonly double _ringSum;

    public MouthCompositor(FaceRegion region, int size)
    {
        Region = region;
        _size = size;
        var box = region.Box;
        Point[] InBox(Point[] outline) => outline.Select(p => new Point(p.X - box.X, p.Y - box.Y)).ToArray();
        using var hard = new Mat(box.Height, box.Width, MatType.CV_32FC1, Scalar.All(0));
        Cv2.FillPoly(hard, [InBox(region.LowerFace)], Scalar.All(1), LineTypes.AntiAlias);
        var feather = Math.Max(3, (int)(0.08 * box.Width)) | 1;
        using var eroded = new Mat();
        Cv2.Erode(hard, eroded, Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(feather / 2 | 1, feather / 2 | 1)));
        using var soft = new Mat();
        Cv2.GaussianBlur(eroded, soft, new Size(feather, feather), 0, 0, BorderTypes.Constant);
        _mask = new Mat();
        Cv2.Merge([soft, soft, soft], _mask);
        using var skin = new Mat(box.Height, box.Width, MatType.CV_32FC1, Scalar.All(1));
        Cv2.FillPoly(skin, [InBox(region.Mouth)], Scalar.All(0), LineTypes.AntiAlias);
        Cv2.Multiply(skin, soft, skin);
        _ringSum = Cv2.Sum(skin).Val0;
        _ring = new Mat();
        Cv2.Merge([skin, skin, skin], _ring);
    }

    public FaceRegion Region { get; }

    /// <summary>The feathered mask over the whole frame (0..1): where the model's pixels may land.</summary>
    public Mat FrameMask(int width, int height)
    {
        var full = new Mat(height, width, MatType.CV_32FC1, Scalar.All(0));
        using var one = new Mat();
        Cv2.ExtractChannel(_mask, one, 0);
        using var roi = new Mat(full, Region.Box);
        one.CopyTo(roi);
        return full;
    }

    /// <summary>Writes the 6 x S x S input for one frame into `input`.</summary>
    public void BuildInput(Mat frame, Span<float> input)
    {
        using var face = new Mat(frame, Region.Box);
        using var small = new Mat();
        Cv2.Resize(face, small, new Size(_size, _size), 0, 0, InterpolationFlags.Area);
        var plane = _size * _size;
        var pixels = new byte[plane * 3];
        System.Runtime.InteropServices.Marshal.Copy(small.Data, pixels, 0, pixels.Length);
        for (var at = 0; at < plane; at++)
        for (var c = 0; c < 3; c++)
        {
            var v = pixels[at * 3 + c] / 255f;
            input[c * plane + at] = at >= plane / 2 ? 0 : v; // rows S/2.. : the half the model must fill in
            input[(3 + c) * plane + at] = v;
        }
    }

    /// <summary>target = frame with the model's output (3 x S x S, 0..1) pasted into the mouth region.</summary>
    public void Paste(Mat frame, ReadOnlySpan<float> output, Mat target)
    {
        if (!ReferenceEquals(frame, target)) frame.CopyTo(target);
        var plane = _size * _size;
        var pixels = new float[plane * 3];
        for (var at = 0; at < plane; at++)
        for (var c = 0; c < 3; c++)
            pixels[at * 3 + c] = output[c * plane + at] * 255;
        using var generated = new Mat(_size, _size, MatType.CV_32FC3);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, generated.Data, pixels.Length);
        var box = Region.Box;
        using var mouth = new Mat();
        Cv2.Resize(generated, mouth, box.Size, 0, 0, InterpolationFlags.Linear);
        using var region = new Mat(target, box);
        using var original = new Mat();
        region.ConvertTo(original, MatType.CV_32FC3);

        // Colour match: move the generated skin ring's mean onto the frame's own.
        var (want, have) = (Weighted(original), Weighted(mouth));
        Cv2.Add(mouth, new Scalar(want.Val0 - have.Val0, want.Val1 - have.Val1, want.Val2 - have.Val2), mouth);

        // original + mask * (mouth - original): exactly the original where the mask is zero.
        Cv2.Subtract(mouth, original, mouth);
        Cv2.Multiply(mouth, _mask, mouth);
        Cv2.Add(original, mouth, original);
        original.ConvertTo(region, MatType.CV_8UC3);
    }

    private Scalar Weighted(Mat image)
    {
        using var product = new Mat();
        Cv2.Multiply(image, _ring, product);
        var sum = Cv2.Sum(product);
        return new Scalar(sum.Val0 / _ringSum, sum.Val1 / _ringSum, sum.Val2 / _ringSum);
    }

    public void Dispose()
    {
        _mask.Dispose();
        _ring.Dispose();
    }
}
