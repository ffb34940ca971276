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

    public ProceduralEngine(Mat reference, Imaging.Landmarks.FaceLandmarks landmarks, int width, int height)
        : this(reference, width, height, FaceLayout.From(landmarks)) { }

    public ProceduralEngine(Mat reference, int width, int height, FaceLayout layout)
    {
        _base = new Mat();
        Cv2.Resize(reference, _base, new Size(width, height), 0, 0, InterpolationFlags.Area);
        _layout = layout;
        _skin = MeanAt(_layout.MouthX, _layout.MouthY - 0.07, 0.05);
        _lips = MeanAt(_layout.MouthX, _layout.MouthY, 0.03);
        _overlay = new Mat(height, width, MatType.CV_8UC3, Scalar.All(0));
        _mask = new Mat(height, width, MatType.CV_32FC1, Scalar.All(0));
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
        var breathShift = d.Breath * 0.4; // sub-pixel: alive, without stirring the mouth during silence
        using (var shift = Mat.FromArray(new float[,] { { 1, 0, 0 }, { 0, 1, (float)-breathShift } }))
            Cv2.WarpAffine(_base, target, shift, new Size(w, h), InterpolationFlags.Linear, BorderTypes.Replicate);

        var open = Math.Clamp(d.MouthOpen, 0, 1);
        if (open > 0.02) DrawMouth(target, open, d.Spread, w, h, breathShift);
        if (d.Blink > 0.05) DrawEyelids(target, d.Blink, w, h, breathShift);
    }

    /// <summary>The jaw drops: the face below the mouth line slides down, and the gap shows a dark interior
    /// under a hint of upper teeth. Both are feathered into the frame.</summary>
    private void DrawMouth(Mat target, double open, double spread, int w, int h, double dy)
    {
        var mx = (int)(_layout.MouthX * w);
        var my = (int)(_layout.MouthY * h - dy);
        var drop = Math.Max(1, (int)Math.Round(open * 0.032 * h));
        var half = (int)(_layout.MouthWidth * w * (0.36 + 0.05 * spread - 0.04 * open));

        // 1. Jaw: shift the lower face down by `drop`, inside a feathered ellipse around chin and lower lip.
        var jaw = new Rect(mx - (int)(0.19 * w), my - 4, (int)(0.38 * w), (int)(0.24 * h)) & new Rect(0, 0, w, h);
        using (var overlay = new Mat(_overlay, jaw))
        using (var mask = new Mat(_mask, jaw))
        using (var region = new Mat(target, jaw))
        using (var shift = Mat.FromArray(new float[,] { { 1, 0, 0 }, { 0, 1, drop } }))
        {
            Cv2.WarpAffine(region, overlay, shift, region.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
            mask.SetTo(Scalar.All(0));
            Cv2.Ellipse(mask, new Point(jaw.Width / 2, 4 + drop), new Size(jaw.Width / 2 - 10, jaw.Height - 14), 0, 0, 180, Scalar.All(1), -1, LineTypes.AntiAlias);
            Blend(region, overlay, mask, 21);
        }

        // 2. The opening between the lips.
        var box = new Rect(mx - half - 10, my - 10, 2 * half + 20, drop + 24) & new Rect(0, 0, w, h);
        using (var overlay = new Mat(_overlay, box))
        using (var mask = new Mat(_mask, box))
        using (var region = new Mat(target, box))
        {
            region.CopyTo(overlay);
            mask.SetTo(Scalar.All(0));
            var center = new Point(mx - box.X, my - box.Y + drop / 2);
            var axes = new Size(half, Math.Max(1, drop / 2 + 1));
            Cv2.Ellipse(overlay, center, axes, 0, 0, 360, new Scalar(30, 22, 36), -1, LineTypes.AntiAlias);
            if (drop > 5)
                Cv2.Ellipse(overlay, new Point(center.X, center.Y - axes.Height + 1), new Size(half * 0.6, Math.Max(1, drop / 5)), 0, 0, 180, new Scalar(200, 205, 210), -1, LineTypes.AntiAlias);
            Cv2.Ellipse(mask, center, axes, 0, 0, 360, Scalar.All(1), -1, LineTypes.AntiAlias);
            Blend(region, overlay, mask, 5);
        }
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
            Blend(region, overlay, mask, 9);
        }
    }

    /// <summary>region = region * (1 - m) + overlay * m, with m the mask feathered by a blur.</summary>
    private static void Blend(Mat region, Mat overlay, Mat mask, int feather)
    {
        // Isolated: the blur must not read the buffer around this view.
        Cv2.GaussianBlur(mask, mask, new Size(feather, feather), 0, 0, BorderTypes.Reflect101 | BorderTypes.Isolated);
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
