using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>Where the model looks and where its mouth goes, in frame pixels: the face box it is given (resized to
/// S x S), the lower-face outline its output is pasted back under (feathered, inside the box's lower half), and
/// the mouth inside it, which colour matching leaves out: a model's open mouth is dark, the skin around it is not.</summary>
public sealed record FaceRegion(Rect Box, Point[] LowerFace, Point[] Mouth);

/// <summary>The seam between the neural engine and whatever knows where the face is (today: the landmarks).</summary>
public interface IFaceAligner
{
    FaceRegion Align(int width, int height);
}

/// <summary>From the 68 landmarks fitted on the crop: the box spans the jaw, from a little above the brows to a
/// little below the chin (as a face detector's box does, which is what Wav2Lip-style models were trained on);
/// the outline follows the jaw from cheek to cheek and closes under the nose; the mouth is the outer lip line,
/// widened a little and stretched downwards, where an opening jaw takes it.</summary>
public sealed class LandmarkAligner(FaceLandmarks landmarks) : IFaceAligner
{
    private static readonly int[] Outline = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 35, 34, 33, 32, 31];

    public FaceRegion Align(int width, int height)
    {
        var l = landmarks.ScaledTo(width, height);
        var jaw = Enumerable.Range(0, 17).Select(i => l[i]).ToArray();
        float left = jaw.Min(p => p.X), right = jaw.Max(p => p.X), chin = jaw.Max(p => p.Y);
        var brows = Enumerable.Range(17, 10).Min(i => l[i].Y);
        var tall = chin - brows;
        var box = Box(left - 0.04f * (right - left), brows - 0.12f * tall, right + 0.04f * (right - left), chin + 0.06f * tall, width, height);

        // Pull the outline a little towards its middle, so the feather fades out on the jaw line, not past it.
        var cx = Outline.Average(i => l[i].X);
        var cy = Outline.Average(i => l[i].Y);
        var half = box.Y + box.Height / 2;
        var points = Outline.Select(i => new Point(cx + 0.9 * (l[i].X - cx), Math.Max(half, cy + 0.9 * (l[i].Y - cy)))).ToArray();
        var lips = Enumerable.Range(48, 12).Select(i => l[i]).ToArray();
        var (mx, my) = (lips.Average(p => p.X), lips.Average(p => p.Y));
        var mouth = lips.Select(p => new Point(mx + 1.2 * (p.X - mx), my + (p.Y > my ? 2.5 : 1.3) * (p.Y - my))).ToArray();
        return new FaceRegion(box, points, mouth);
    }

    internal static Rect Box(double x0, double y0, double x1, double y1, int width, int height)
    {
        var r = new Rect((int)Math.Floor(x0), (int)Math.Floor(y0), (int)Math.Ceiling(x1 - x0), (int)Math.Ceiling(y1 - y0));
        return r & new Rect(0, 0, width, height);
    }
}
