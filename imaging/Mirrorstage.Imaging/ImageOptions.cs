namespace Mirrorstage.Imaging;

/// <summary>Reference photo limits, bound from "Mirrorstage:Images".</summary>
public sealed class ImageOptions
{
    public const string Section = "Mirrorstage:Images";
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>Decompression-bomb guard: a declared width x height above this is refused before decoding.</summary>
    public long MaxPixels { get; set; } = 40_000_000;
    public string CascadePath { get; set; } = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
    /// <summary>A dlib 68-point shape predictor (iBUG 300-W order); Debian's libdlib-data ships this one.</summary>
    public string LandmarkModelPath { get; set; } = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
    /// <summary>A model file as the detectors open it: an absolute path as given, a relative one under the app's own
    /// folder (the Functions publish output ships both models in models/; a Functions host's working directory is
    /// not the app's).</summary>
    public static string AppFile(string path) => Path.Combine(AppContext.BaseDirectory, path);

    /// <summary>Side of the square face crop handed to the renderer.</summary>
    public int CropSize { get; set; } = 512;
    /// <summary>The crop's side as a multiple of the detected face box (room for hair, jaw and neck).</summary>
    public double CropMargin { get; set; } = 1.8;
}
