using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Where the lips really end on a photo that shows its teeth. The 68-point model tends to put the
/// inner lip points a little onto the teeth of a broad smile; closing the lips on those points would leave a
/// strip of teeth showing. When the inner mouth is clearly brighter than the lips (teeth), each inner lip
/// point is moved out to the strongest lip-to-teeth edge in its column (averaged over 9 columns), searched between the lip's outer contour
/// and a few pixels past the point.</summary>
public static class TeethLine
{
    public static FaceLandmarks Refine(Mat photo, FaceLandmarks l)
    {
        using var lab = photo.CvtColor(ColorConversionCodes.BGR2Lab);
        using var light = new Mat();
        Cv2.ExtractChannel(lab, light, 0);
        Cv2.GaussianBlur(light, light, new Size(3, 3), 0);
        if (!ShowsTeeth(light, l)) return l;

        var points = l.Points.ToArray();
        int width = photo.Width, height = photo.Height;
        foreach (var (inner, outer, up) in new[] { (61, 50, true), (62, 51, true), (63, 52, true), (65, 56, false), (66, 57, false), (67, 58, false) })
        {
            var x = (int)MathF.Round(l[inner].X);
            if (x < 4 || x >= width - 4) continue;
            int from = (int)MathF.Round(up ? l[outer].Y + 1 : l[inner].Y - 3), to = (int)MathF.Round(up ? l[inner].Y + 3 : l[outer].Y - 1);
            float best = 12; // the least lightness step (of 255) that counts as an edge
            int? edge = null;
            for (var y = Math.Max(1, from); y <= Math.Min(height - 2, to); y++)
            {
                float below = Column(light, x, y + 1), above = Column(light, x, y - 1);
                var step = up ? below - above : above - below; // teeth are the bright side
                if (step > best) (best, edge) = (step, y);
            }
            // Only ever outward: the interior grows to the teeth's edge, never shrinks.
            if (edge is { } e) points[inner] = points[inner] with { Y = up ? Math.Min(e, l[inner].Y) : Math.Max(e, l[inner].Y) };
        }
        return l with { Points = points };
    }

    private static bool ShowsTeeth(Mat light, FaceLandmarks l)
    {
        using var inner = Mask(light, l, 60, 8);
        using var lips = Mask(light, l, 48, 12);
        var innerArea = Cv2.CountNonZero(inner);
        if (innerArea < 20) return false;
        Cv2.Subtract(lips, inner, lips);
        return Cv2.Mean(light, inner).Val0 > Cv2.Mean(light, lips).Val0 + 20;
    }

    private static Mat Mask(Mat like, FaceLandmarks l, int first, int count)
    {
        var mask = new Mat(like.Size(), MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(mask, [Enumerable.Range(first, count).Select(i => new Point((int)MathF.Round(l[i].X), (int)MathF.Round(l[i].Y))).ToArray()], Scalar.All(255));
        return mask;
    }

    /// <summary>Lightness averaged over 9 columns: the gaps between teeth are narrower than that.</summary>
    private static float Column(Mat light, int x, int y)
    {
        var sum = 0f;
        for (var dx = -4; dx <= 4; dx++) sum += light.At<byte>(y, x + dx);
        return sum / 9;
    }
}
