namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Where the features sit in a reference crop. The gateway crops a square of 1.8x the detected face
/// box, centred a tenth of a face below the box's centre, so the mouth and eyes land at fixed fractions.</summary>
public sealed record FaceLayout(double MouthX, double MouthY, double MouthWidth, double EyeY, double EyeSpread, double EyeWidth)
{
    public static readonly FaceLayout FromGatewayCrop = new(0.50, 0.625, 0.20, 0.39, 0.155, 0.10);
}
