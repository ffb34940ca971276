using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Warps a photo triangle by triangle: every output pixel inside a moved triangle takes the photo's
/// pixel at the same barycentric position in that triangle's rest shape. Only the region of interest (the
/// box around the triangles that moved) is mapped and resampled; everything else is the photo's own pixels.
/// The warp is continuous across shared edges and the identity on unmoved vertices, so it fades out with no
/// seam. The maps are allocated once and reused.</summary>
public sealed class PiecewiseAffineWarp : IDisposable
{
    private readonly int _width, _height;
    private readonly float[] _mapX, _mapY;
    private readonly Mat _mapXMat, _mapYMat;

    public PiecewiseAffineWarp(int width, int height)
    {
        (_width, _height) = (width, height);
        _mapX = GC.AllocateArray<float>(width * height, pinned: true);
        _mapY = GC.AllocateArray<float>(width * height, pinned: true);
        _mapXMat = Mat.FromPixelData(height, width, MatType.CV_32FC1, Marshal.UnsafeAddrOfPinnedArrayElement(_mapX, 0));
        _mapYMat = Mat.FromPixelData(height, width, MatType.CV_32FC1, Marshal.UnsafeAddrOfPinnedArrayElement(_mapY, 0));
    }

    /// <summary>target must already hold the photo; returns the region that was resampled (empty if none).</summary>
    public Rect Warp(Mat photo, Mat target, float[] rest, float[] posed, int[] triangles)
    {
        var roi = MovedRegion(rest, posed, triangles);
        if (roi.Width <= 0 || roi.Height <= 0) return default;
        for (var y = roi.Top; y < roi.Bottom; y++)
        {
            var row = y * _width;
            _mapY.AsSpan(row + roi.Left, roi.Width).Fill(y);
            for (var x = roi.Left; x < roi.Right; x++) _mapX[row + x] = x;
        }
        for (var t = 0; t < triangles.Length; t += 3)
            if (Moved(rest, posed, triangles[t]) || Moved(rest, posed, triangles[t + 1]) || Moved(rest, posed, triangles[t + 2]))
                Fill(rest, posed, triangles[t], triangles[t + 1], triangles[t + 2], roi);
        using var mx = new Mat(_mapXMat, roi);
        using var my = new Mat(_mapYMat, roi);
        using var dst = new Mat(target, roi);
        Cv2.Remap(photo, dst, mx, my, InterpolationFlags.Linear, BorderTypes.Replicate);
        return roi;
    }

    private static bool Moved(float[] a, float[] b, int i) => MathF.Abs(a[2 * i] - b[2 * i]) > 1e-3f || MathF.Abs(a[2 * i + 1] - b[2 * i + 1]) > 1e-3f;

    /// <summary>The box around every triangle with a moved vertex, in both its rest and posed shape.</summary>
    private Rect MovedRegion(float[] rest, float[] posed, int[] triangles)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        for (var t = 0; t < triangles.Length; t += 3)
        {
            if (!(Moved(rest, posed, triangles[t]) || Moved(rest, posed, triangles[t + 1]) || Moved(rest, posed, triangles[t + 2]))) continue;
            for (var k = 0; k < 3; k++)
            {
                var i = triangles[t + k];
                foreach (var p in new[] { rest, posed })
                    (x0, y0, x1, y1) = (Math.Min(x0, p[2 * i]), Math.Min(y0, p[2 * i + 1]), Math.Max(x1, p[2 * i]), Math.Max(y1, p[2 * i + 1]));
            }
        }
        if (x0 > x1) return default;
        var left = Math.Clamp((int)MathF.Floor(x0) - 1, 0, _width);
        var top = Math.Clamp((int)MathF.Floor(y0) - 1, 0, _height);
        var right = Math.Clamp((int)MathF.Ceiling(x1) + 2, 0, _width);
        var bottom = Math.Clamp((int)MathF.Ceiling(y1) + 2, 0, _height);
        return new Rect(left, top, right - left, bottom - top);
    }

    /// <summary>Rasterises the posed triangle (a, b, c) row by row and writes, for each pixel whose centre is
    /// inside, where it comes from: the affine map from the posed to the rest triangle, stepped along the row.</summary>
    private void Fill(float[] rest, float[] posed, int a, int b, int c, Rect roi)
    {
        float ax = posed[2 * a], ay = posed[2 * a + 1], bx = posed[2 * b], by = posed[2 * b + 1], cx = posed[2 * c], cy = posed[2 * c + 1];
        var area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
        if (MathF.Abs(area) < 1e-4f) return; // collapsed (a closed eyelid, a shut mouth): covers no pixel
        var inv = 1 / area;
        float sax = rest[2 * a], say = rest[2 * a + 1], sbx = rest[2 * b], sby = rest[2 * b + 1], scx = rest[2 * c], scy = rest[2 * c + 1];
        // Barycentric weights are affine in (x, y): wb = pb.(x - ax, y - ay), wc = pc.(x - ax, y - ay).
        float wbx = (cy - ay) * inv, wby = -(cx - ax) * inv, wcx = -(by - ay) * inv, wcy = (bx - ax) * inv;
        // Source position = s_a + wb (s_b - s_a) + wc (s_c - s_a): its step per pixel along a row.
        float dxx = wbx * (sbx - sax) + wcx * (scx - sax), dyx = wbx * (sby - say) + wcx * (scy - say);
        var top = Math.Max(roi.Top, (int)MathF.Ceiling(MathF.Min(ay, MathF.Min(by, cy))));
        var bottom = Math.Min(roi.Bottom - 1, (int)MathF.Floor(MathF.Max(ay, MathF.Max(by, cy))));
        for (var y = top; y <= bottom; y++)
        {
            // The row's span inside all three edges: each weight >= 0 bounds x from one side.
            float lo = roi.Left, hi = roi.Right - 1;
            if (!Clip(wbx, wby * (y - ay) - wbx * ax, ref lo, ref hi) || !Clip(wcx, wcy * (y - ay) - wcx * ax, ref lo, ref hi)
                || !Clip(-wbx - wcx, 1 - (wby + wcy) * (y - ay) + (wbx + wcx) * ax, ref lo, ref hi)) continue;
            int x0 = (int)MathF.Ceiling(lo), x1 = (int)MathF.Floor(hi);
            if (x0 > x1) continue;
            float wb = wbx * (x0 - ax) + wby * (y - ay), wc = wcx * (x0 - ax) + wcy * (y - ay);
            float sx = sax + wb * (sbx - sax) + wc * (scx - sax), sy = say + wb * (sby - say) + wc * (scy - say);
            var row = y * _width;
            for (var x = x0; x <= x1; x++, sx += dxx, sy += dyx)
            {
                _mapX[row + x] = sx;
                _mapY[row + x] = sy;
            }
        }
    }

    /// <summary>Narrows [lo, hi] to where k x + m >= 0 (with a hair of tolerance so shared edges leave no gap).</summary>
    private static bool Clip(float k, float m, ref float lo, ref float hi)
    {
        const float eps = 1e-4f;
        if (MathF.Abs(k) < 1e-9f) return m >= -eps;
        var x = (-m - eps) / k;
        if (k > 0) lo = MathF.Max(lo, x); else hi = MathF.Min(hi, x);
        return lo <= hi;
    }

    public void Dispose()
    {
        _mapXMat.Dispose();
        _mapYMat.Dispose();
    }
}
