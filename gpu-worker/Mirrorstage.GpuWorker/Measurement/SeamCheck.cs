using Mirrorstage.GpuWorker.Rendering;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Measurement;

/// <summary>Whether a warp shows its edge. Along a ring of the mesh (the boundary of the region that moved),
/// the frame's gradient is compared with the photo's: the mean absolute difference of the Sobel gradient
/// magnitudes in a 5 px band around the ring, over the photo's mean gradient there (0 = the same texture and
/// edges as the photo; a pasted box would score near 1 or more). Also counts pixels outside the ring that
/// differ from the photo.</summary>
public static class SeamCheck
{
    public sealed record Result(double GradientMismatch, double PhotoGradient, int ChangedOutside, double WorstOutside);

    public static Result Measure(Mat photo, Mat frame, ReadOnlySpan<float> vertices, int firstRingVertex)
    {
        var ring = new Point[FaceMesh.RingCount];
        for (var k = 0; k < ring.Length; k++)
            ring[k] = new Point((int)MathF.Round(vertices[2 * (firstRingVertex + k)]), (int)MathF.Round(vertices[2 * (firstRingVertex + k) + 1]));
        using var band = new Mat(photo.Size(), MatType.CV_8UC1, Scalar.All(0));
        Cv2.Polylines(band, [ring], true, Scalar.All(255), 5);
        using var inside = new Mat(photo.Size(), MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(inside, [ring], Scalar.All(255));
        Cv2.Dilate(inside, inside, null, iterations: 1);

        using var gPhoto = Gradient(photo);
        using var gFrame = Gradient(frame);
        using var diff = new Mat();
        Cv2.Absdiff(gPhoto, gFrame, diff);
        var photoGradient = Cv2.Mean(gPhoto, band).Val0;
        var mismatch = Cv2.Mean(diff, band).Val0 / Math.Max(photoGradient, 1e-6);

        using var pixels = new Mat();
        Cv2.Absdiff(photo, frame, pixels);
        using var grey = pixels.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var outside = new Mat();
        Cv2.BitwiseNot(inside, outside);
        using var changed = new Mat();
        Cv2.Threshold(grey, changed, 0, 255, ThresholdTypes.Binary);
        Cv2.BitwiseAnd(changed, outside, changed);
        Cv2.MinMaxLoc(grey, out _, out double worst, out _, out _, outside);
        return new Result(mismatch, photoGradient, Cv2.CountNonZero(changed), worst);
    }

    private static Mat Gradient(Mat image)
    {
        using var grey = image.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var gx = new Mat();
        using var gy = new Mat();
        Cv2.Sobel(grey, gx, MatType.CV_32F, 1, 0);
        Cv2.Sobel(grey, gy, MatType.CV_32F, 0, 1);
        var magnitude = new Mat();
        Cv2.Magnitude(gx, gy, magnitude);
        return magnitude;
    }
}
