using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace Mirrorstage.Imaging.Landmarks;

/// <summary>The landmarks of a face, or why they could not be fitted.</summary>
public sealed record LandmarkFit(FaceLandmarks? Landmarks, string? Problem);

/// <summary>Fits the 68 landmarks of a face inside a face box with dlib's 68-point regression-tree model
/// (Debian's libdlib-data; the path is Mirrorstage:Images:LandmarkModelPath). The model was trained on boxes
/// from dlib's own detector, not OpenCV's: the box is therefore re-derived from the fitted shape (the box in
/// which the mean shape best matches it) and the cascade run again until the box settles. The model (about
/// 70 MB in memory) is read once per process and file, on first use, and shared: prediction only reads it.</summary>
public sealed class LandmarkDetector
{
    private const int MaxRounds = 6;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ShapePredictor>> Loaded = new();
    private readonly Lazy<ShapePredictor> _predictor;

    public LandmarkDetector(IOptions<ImageOptions> options)
    {
        var path = ImageOptions.AppFile(options.Value.LandmarkModelPath);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Landmark model not found at {path}; install Debian's libdlib-data or set Mirrorstage:Images:LandmarkModelPath.", path);
        var file = new FileInfo(path);
        _predictor = Loaded.GetOrAdd($"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}",
            _ => new(() => new ShapePredictor(CheckParts(ShapeModel.Load(path), path))));
    }

    public LandmarkDetector(ShapeModel model) => _predictor = new(() => new ShapePredictor(CheckParts(model, "the model")));

    /// <summary>Reads the model now (it takes a second or two) rather than on the first photo.</summary>
    public void Load() => _ = _predictor.Value;

    /// <summary>image: BGR or grey; face: the detected face box in its pixels.</summary>
    public LandmarkFit Fit(Mat image, Rect face)
    {
        using var gray = Gray(image);
        var bytes = new byte[gray.Width * gray.Height];
        gray.GetArray(out byte[] data);
        data.CopyTo(bytes, 0);
        return Fit(bytes, gray.Width, gray.Height, new FaceBox(face.X, face.Y, face.Right - 1, face.Bottom - 1));
    }

    public LandmarkFit Fit(byte[] gray, int width, int height, FaceBox start)
    {
        var p = _predictor.Value;
        var box = start;
        float[] shape = [];
        for (var round = 0; round < MaxRounds; round++)
        {
            shape = p.Predict(gray, width, height, box);
            var next = BoxFor(p.Model.MeanShape, shape);
            var moved = Math.Max(Math.Abs(next.Left - box.Left) + Math.Abs(next.Right - box.Right), Math.Abs(next.Top - box.Top) + Math.Abs(next.Bottom - box.Bottom));
            box = next;
            if (moved < 0.01f * box.Width)
            {
                var points = Enumerable.Range(0, FaceLandmarks.Count).Select(i => new LandmarkPoint(shape[2 * i], shape[2 * i + 1])).ToArray();
                var landmarks = new FaceLandmarks(width, height, points);
                return LandmarkChecks.Problem(landmarks) is { } problem ? new(null, problem) : new(landmarks, null);
            }
        }
        return new(null, "the facial features could not be placed consistently (the face may be turned away, covered or blurred)");
    }

    /// <summary>The axis-aligned box in which the mean shape (unit square) lies closest to the shape.</summary>
    private static FaceBox BoxFor(float[] mean, float[] shape)
    {
        var (a, b, tx, ty) = Similarity.Fit(mean, shape);
        var s = MathF.Sqrt(a * a + b * b);
        // The similarity may turn; the box does not. Centre the unit square's image on the mean's centre.
        float mx = 0, my = 0;
        for (var i = 0; i < mean.Length; i += 2) { mx += mean[i]; my += mean[i + 1]; }
        mx /= mean.Length / 2; my /= mean.Length / 2;
        var cx = a * mx - b * my + tx;
        var cy = b * mx + a * my + ty;
        var left = cx - s * mx;
        var top = cy - s * my;
        return new FaceBox(left, top, left + s, top + s);
    }

    private static Mat Gray(Mat image)
    {
        if (image.Channels() == 1) return image.Clone();
        var gray = new Mat();
        // dlib's grey for a colour pixel is the plain mean of its channels.
        using var weights = Mat.FromArray(new float[,] { { 1f / 3, 1f / 3, 1f / 3 } });
        Cv2.Transform(image, gray, weights);
        return gray;
    }

    private static ShapeModel CheckParts(ShapeModel model, string path) =>
        model.Parts == FaceLandmarks.Count ? model : throw new InvalidDataException($"{path} predicts {model.Parts} landmarks; a 68-point (iBUG 300-W) model is needed.");
}
