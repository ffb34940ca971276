using Microsoft.Extensions.Options;
using Mirrorstage.Imaging;
using Mirrorstage.Imaging.Landmarks;

namespace Mirrorstage.GpuWorker.Tests.Landmarks;

/// <summary>The fixture photo through the gateway's own processing (face box, crop, landmarks), done once:
/// reading the 100 MB model takes a moment.</summary>
internal static class FixtureFace
{
    public static readonly IOptions<ImageOptions> Options = Microsoft.Extensions.Options.Options.Create(new ImageOptions());
    private static readonly Lazy<LandmarkDetector> Detector = new(() => new LandmarkDetector(Options));
    private static readonly Lazy<ProcessedImage> Processed = new(() =>
        new ReferenceImageProcessor(Options, new FaceDetector(Options), Detector.Value).Process(File.ReadAllBytes(Fixtures.Path("faces", "astronaut.png"))));

    public static LandmarkDetector Landmarks => Detector.Value;
    public static ProcessedImage Image => Processed.Value;
}
