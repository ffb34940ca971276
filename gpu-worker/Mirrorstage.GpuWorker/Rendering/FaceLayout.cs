using Mirrorstage.Imaging.Landmarks;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Where the features sit in a reference crop, as fractions of its side, read from its landmarks.</summary>
public sealed record FaceLayout(double MouthX, double MouthY, double MouthWidth, double EyeY, double EyeSpread, double EyeWidth)
{
    public static FaceLayout From(FaceLandmarks l)
    {
        var mouth = l.Centre(48, 59);
        var left = l.Centre(36, 41);
        var right = l.Centre(42, 47);
        return new(mouth.X / l.Width, mouth.Y / l.Height, (l[54].X - l[48].X) / l.Width,
            (left.Y + right.Y) / 2 / l.Height, (right.X - left.X) / 2 / l.Width, (l[39].X - l[36].X) / l.Width);
    }
}
