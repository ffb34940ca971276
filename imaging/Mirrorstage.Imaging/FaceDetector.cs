using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace Mirrorstage.Imaging;

/// <summary>Finds the face to animate with OpenCV's frontal-face Haar cascade: the largest one when there
/// are several. Classifiers are pooled, one per concurrent caller.</summary>
public sealed class FaceDetector : IDisposable
{
    private const int DetectSide = 480; // detection runs on a copy at most this large
    private readonly ConcurrentBag<CascadeClassifier> _pool = [];
    private readonly string _cascadePath;

    public FaceDetector(IOptions<ImageOptions> options)
    {
        _cascadePath = ImageOptions.AppFile(options.Value.CascadePath);
        if (!File.Exists(_cascadePath))
            throw new FileNotFoundException($"Haar cascade not found at {_cascadePath}; install Debian's opencv-data or set Mirrorstage:Images:CascadePath.", _cascadePath);
        _pool.Add(Load()); // fail at start-up, not on the first request
    }

    public Rect? FindLargest(Mat image)
    {
        using var gray = new Mat();
        Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
        var scale = Math.Min(1.0, (double)DetectSide / Math.Max(image.Width, image.Height));
        using var small = new Mat();
        Cv2.Resize(gray, small, new Size(Math.Max(1, (int)(image.Width * scale)), Math.Max(1, (int)(image.Height * scale))), 0, 0, InterpolationFlags.Area);
        Cv2.EqualizeHist(small, small);

        var classifier = _pool.TryTake(out var c) ? c : Load();
        try
        {
            var min = Math.Max(24, Math.Min(small.Width, small.Height) / 10);
            var faces = classifier.DetectMultiScale(small, 1.1, 5, HaarDetectionTypes.ScaleImage, new Size(min, min));
            if (faces.Length == 0) return null;
            var best = faces.MaxBy(f => f.Width * f.Height);
            return new Rect((int)(best.X / scale), (int)(best.Y / scale), (int)(best.Width / scale), (int)(best.Height / scale));
        }
        finally
        {
            _pool.Add(classifier);
        }
    }

    private CascadeClassifier Load() => new(_cascadePath);

    public void Dispose()
    {
        while (_pool.TryTake(out var c)) c.Dispose();
    }
}
