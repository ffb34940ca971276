namespace Mirrorstage.Imaging.Landmarks;

/// <summary>Whether fitted landmarks describe a face we can animate; the reason when not, phrased for the
/// person who sent the photo.</summary>
public static class LandmarkChecks
{
    public static string? Problem(FaceLandmarks l)
    {
        var margin = 0.04f * l.Width;
        if (l.Points.Any(p => p.X < -margin || p.Y < -margin || p.X > l.Width + margin || p.Y > l.Height + margin))
            return "the face runs off the edge of the photo; send one with the whole face, chin included, in frame";

        var leftEye = l.Centre(36, 41);
        var rightEye = l.Centre(42, 47);
        float ex = rightEye.X - leftEye.X, ey = rightEye.Y - leftEye.Y;
        var eyes = MathF.Sqrt(ex * ex + ey * ey);
        if (eyes < 8) return "the face is too small to place its features; send a closer headshot";
        // Work in the face's own frame: x along the eyes, y down the face.
        float ux = ex / eyes, uy = ey / eyes;
        float Down(LandmarkPoint p) => -uy * (p.X - leftEye.X) + ux * (p.Y - leftEye.Y);
        float Across(LandmarkPoint p) => ux * (p.X - leftEye.X) + uy * (p.Y - leftEye.Y);

        if (MathF.Abs(ey) > 0.8f * MathF.Abs(ex) || ex <= 0)
            return "the face is tilted too far; send an upright, front-facing headshot";
        var nose = Down(l[30]);
        var mouth = Down(l.Centre(48, 59));
        var chin = Down(l[8]);
        if (!(nose > 0.3f * eyes && mouth > nose && chin > mouth && chin < 3 * eyes))
            return "the eyes, nose, mouth and chin are not where a face has them (the face may be covered or in profile)";
        var jaw = Across(l[16]) - Across(l[0]);
        var mouthWidth = Across(l[54]) - Across(l[48]);
        if (jaw < 1.2f * eyes || mouthWidth < 0.3f * eyes || mouthWidth > 1.6f * eyes)
            return "the face is turned too far to one side; send a front-facing headshot";
        return null;
    }
}
