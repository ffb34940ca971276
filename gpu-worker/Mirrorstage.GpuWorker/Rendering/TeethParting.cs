namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Where a photo's visible teeth part: how much of the height between its inner lips belongs to the
/// upper row. A smile mostly shows the upper teeth, so halving that height would open the mouth straight across
/// the upper incisors. Down each column of the mouth's middle: from the brightest row (a tooth) downward, either a
/// dark valley before the lower row brightens again, or the upper row's lower edge (lightness falling 20 below its
/// peak); the median over the columns. 0.5 where no clear tooth shows.</summary>
public static class TeethParting
{
    private const float Edge = 20, Rise = 10, Least = 0.35f, Most = 0.9f;

    /// <param name="top">Per column: the photo's inner upper lip (image y); bottom: its inner lower lip.</param>
    public static float UpperShare(byte[] bgr, int width, int height, IReadOnlyList<(int X, float Top, float Bottom)> columns)
    {
        var shares = new List<float>();
        foreach (var (x, top, bottom) in columns)
        {
            int y0 = (int)MathF.Ceiling(top), y1 = (int)MathF.Floor(bottom);
            if (y1 - y0 < 4 || x < 0 || x >= width || y0 < 0 || y1 >= height) continue;
            var light = new float[y1 - y0 + 1];
            for (var y = y0; y <= y1; y++)
            {
                var i = (y * width + x) * 3;
                light[y - y0] = 0.114f * bgr[i] + 0.587f * bgr[i + 1] + 0.299f * bgr[i + 2];
            }
            if (Parting(light) is { } row) shares.Add(Math.Clamp((y0 + row - top) / (bottom - top), Least, Most));
        }
        if (shares.Count == 0) return 0.5f;
        shares.Sort();
        return shares[shares.Count / 2];
    }

    /// <summary>The row (index into light) where the upper teeth end, or null without a clear tooth.</summary>
    private static int? Parting(float[] light)
    {
        var peak = 0;
        for (var k = 1; k < light.Length * 3 / 4; k++) if (light[k] > light[peak]) peak = k;
        if (light[peak] - light.Min() < Edge) return null; // no tooth brighter than its surroundings
        int? edge = null;
        var low = peak;
        for (var k = peak + 1; k < light.Length; k++)
        {
            if (light[k] < light[low]) low = k;
            if (edge is null && light[k] < light[peak] - Edge) edge = k;
            if (light[k] > light[low] + Rise && light[low] < light[peak] - Edge) return low; // a gap, then the lower row
        }
        return edge;
    }
}
