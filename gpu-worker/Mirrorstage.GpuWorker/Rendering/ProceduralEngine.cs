using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Animates a photo without model weights: the jaw drops and the lips part with the drive, a dark mouth
/// interior shows through, the eyelids close on blinks, and the head rises slightly with each breath. Every
/// change is blended back through a feathered mask so no seams show.</summary>
public sealed class ProceduralEngine : IRenderEngine
{
    private readonly Mat _base;
    private readonly FaceLayout _layout;
    private readonly Scalar _skin;
    private readonly Scalar _lips;
    private readonly Mat _overlay;
    private readonly Mat _mask;

    public ProceduralEngine(Mat reference, int width, int height, FaceLayout layout)
    {
        _base = new Mat();
        Cv2.Resize(reference, _base, new Size(width, height), 0, 0, InterpolationFlags.Area);
        _layout = layout;
        _skin = MeanAt(_layout.MouthX, _layout.MouthY - 0.07, 0.05);
        _lips = MeanAt(_layout.MouthX, _layout.MouthY, 0.03);
        _overlay = new Mat(height, width, MatType.CV_8UC3);
        _mask = new Mat(height, width, MatType.CV_32FC1);
    }

    private Scalar MeanAt(double fx, double fy, double half)
    {
        int w = _base.Width, h = _base.Height, r = Math.Max(2, (int)(half * w));
        var roi = new Rect(Math.Clamp((int)(fx * w) - r, 0, w - 1), Math.Clamp((int)(fy * h) - r, 0, h - 1), 2 * r, 2 * r) & new Rect(0, 0, w, h);
        using var patch = new Mat(_base, roi);
        return Cv2.Mean(patch);
    }

    public void Render(FrameDrive d, Mat target)
    {
        int w = _base.Width, h = _base.Height;
        var breathShift = d.Breath * 1.5;
        using (var shift = Mat.FromArray(new float[,] { { 1, 0, 0 }, { 0, 1, (float)-breathShift } }))
            Cv2.WarpAffine(_base, target, shift, new Size(w, h), InterpolationFlags.Linear, BorderTypes.Replicate);

        var open = Math.Clamp(d.MouthOpen, 0, 1);
        if (open > 0.02) DrawMouth(target, open, d.Spread, w, h, breathShift);
        if (d.Blink > 0.05) DrawEyelids(target, d.Blink, w, h, breathShift);
    }

    private void DrawMouth(Mat target, double open, double spread, int w, int h, double dy)
    {
        var center = new Point(_layout.MouthX * w, _layout.MouthY * h - dy + open * 0.02 * h);
        var half = (int)(_layout.MouthWidth * w * (0.5 + 0.08 * spread - 0.05 * open));
        var depth = Math.Max(1, (int)(open * 0.075 * h));
        var box = new Rect(center.X - half - 12, center.Y - depth - 12, 2 * half + 24, 2 * depth + 28) & new Rect(0, 0, w, h);

        using var overlay = new Mat(_overlay, box);
        using var mask = new Mat(_mask, box);
        using var region = new Mat(target, box);
        region.CopyTo(overlay);
        mask.SetTo(Scalar.All(0));
        var local = new Point(center.X - box.X, center.Y - box.Y);
        // Lips, then the dark interior, then a hint of upper teeth.
        Cv2.Ellipse(overlay, local, new Size(half + 3, depth + 4), 0, 0, 360, _lips, -1, LineTypes.AntiAlias);
        Cv2.Ellipse(overlay, local, new Size(half, depth), 0, 0, 360, new Scalar(28, 18, 32), -1, LineTypes.AntiAlias);
        if (depth > 4)
            Cv2.Ellipse(overlay, new Point(local.X, local.Y - depth + 2), new Size(half * 0.7, Math.Max(1, depth / 4)), 0, 0, 180, new Scalar(215, 220, 225), -1, LineTypes.AntiAlias);
        Cv2.Ellipse(mask, local, new Size(half + 5, depth + 6), 0, 0, 360, Scalar.All(1), -1, LineTypes.AntiAlias);
        Blend(region, overlay, mask);
    }

    private void DrawEyelids(Mat target, double blink, int w, int h, double dy)
    {
        foreach (var side in new[] { -1, 1 })
        {
            var center = new Point((0.5 + side * _layout.EyeSpread) * w, _layout.EyeY * h - dy);
            var half = (int)(_layout.EyeWidth * w / 2);
            var box = new Rect(center.X - half - 8, center.Y - half - 8, 2 * half + 16, 2 * half + 16) & new Rect(0, 0, w, h);
            using var overlay = new Mat(_overlay, box);
            using var mask = new Mat(_mask, box);
            using var region = new Mat(target, box);
            region.CopyTo(overlay);
            mask.SetTo(Scalar.All(0));
            var local = new Point(center.X - box.X, center.Y - box.Y);
            var lid = new Size(half, Math.Max(1, (int)(half * 0.55 * blink)));
            Cv2.Ellipse(overlay, local, lid, 0, 180, 360, _skin, -1, LineTypes.AntiAlias);
            Cv2.Ellipse(mask, local, lid, 0, 180, 360, Scalar.All(1), -1, LineTypes.AntiAlias);
            Blend(region, overlay, mask);
        }
    }

    /// <summary>region = region * (1 - m) + overlay * m, with m the mask feathered by a blur.</summary>
    private static void Blend(Mat region, Mat overlay, Mat mask)
    {
        Cv2.GaussianBlur(mask, mask, new Size(9, 9), 0);
        using var m3 = new Mat();
        Cv2.Merge([mask, mask, mask], m3);
        using var a = new Mat();
        using var b = new Mat();
        region.ConvertTo(a, MatType.CV_32FC3);
        overlay.ConvertTo(b, MatType.CV_32FC3);
        using var inverse = new Mat();
        Cv2.Subtract(Scalar.All(1), m3, inverse);
        Cv2.Multiply(a, inverse, a);
        Cv2.Multiply(b, m3, b);
        Cv2.Add(a, b, a);
        a.ConvertTo(region, MatType.CV_8UC3);
    }

    public void Dispose()
    {
        _base.Dispose();
        _overlay.Dispose();
        _mask.Dispose();
    }
}
