using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Paints what shows between the posed inner lips, blended in by its anti-aliased coverage. Upper
/// teeth hang from the upper lip and lower teeth ride on the lower lip; between them a dark cavity, deeper
/// toward the middle and the corners. When the photo already shows teeth, those teeth are the photo's own:
/// each band is read from the photo's mouth at the same depth below its lip, so they move with their lips and
/// the lips close over them. Otherwise the teeth are drawn.</summary>
public sealed class MouthInterior : IDisposable
{
    private static readonly int[] UpperLip = FaceMesh.InnerUpper, LowerLip = FaceMesh.InnerLower;
    /// <summary>How high (px) the cavity must open before it is its full darkness.</summary>
    private const float PartingPixels = 5;
    /// <summary>Over how many pixels a tooth's edge fades into the cavity: teeth are rounded, not cut.</summary>
    private const float EdgePixels = 1.5f;
    private static readonly Vec3f Teeth = new(205, 218, 228), Rim = new(34, 36, 98), Deep = new(10, 9, 26), Tongue = new(86, 84, 160);

    private readonly FaceMesh _mesh;
    private readonly int _width, _height;
    private readonly byte[] _photo, _buffer;
    private readonly GCHandle _bufferHandle;
    private readonly float[] _restUpper = new float[9], _restLower = new float[9], _restU = new float[9], _restUl = new float[9];
    private readonly float[] _u = new float[9], _vUp = new float[9], _ul = new float[9], _vLow = new float[9];
    private float[] _top = [], _bottom = [], _srcTop = [], _srcBottom = [];

    /// <summary>How much of the photo's teeth (top to bottom) hangs from the upper lip; the rest rides the lower.</summary>
    private readonly float _upperShare = 0.5f;

    /// <summary>Whether the photo's own teeth show (its lips are apart).</summary>
    public bool PhotoTeeth { get; }

    public MouthInterior(FaceMesh mesh, Mat photo)
    {
        _mesh = mesh;
        (_width, _height) = (photo.Width, photo.Height);
        _photo = new byte[_width * _height * 3];
        Marshal.Copy(photo.Data, _photo, 0, _photo.Length);
        _buffer = new byte[_width * _height * 3];
        _bufferHandle = GCHandle.Alloc(_buffer, GCHandleType.Pinned);
        Curves(mesh.Rest, _restU, _restUpper, _restUl, _restLower);
        PhotoTeeth = Lerp(_restUl, _restLower, Mid(_restU)) - Lerp(_restU, _restUpper, Mid(_restU)) > 0.04f * mesh.MouthWidth;
        if (PhotoTeeth) _upperShare = TeethParting.UpperShare(_photo, _width, _height, MiddleColumns());
    }

    public void Paint(float[] posed, Mat target)
    {
        Curves(posed, _u, _vUp, _ul, _vLow);
        var roi = Box(posed, target);
        if (roi.Width <= 0 || roi.Height <= 0) return;
        using var buffer = Mat.FromPixelData(roi.Height, roi.Width, MatType.CV_8UC3, _bufferHandle.AddrOfPinnedObject());
        using (var region = new Mat(target, roi)) region.CopyTo(buffer);

        float ux = _mesh.U.X, uy = _mesh.U.Y, vx = _mesh.V.X, vy = _mesh.V.Y, mw = _mesh.MouthWidth;
        float u0 = _u[0], u1 = _u[^1], su0 = _restU[0], su1 = _restU[^1];
        if (u1 - u0 < 2) return;
        // Per pixel of u: the posed lips, and (at the same place along the mouth) the photo's.
        var first = (int)MathF.Floor(u0);
        var n = (int)MathF.Ceiling(u1) - first + 2;
        if (_top.Length < n) (_top, _bottom, _srcTop, _srcBottom) = (new float[n], new float[n], new float[n], new float[n]);
        for (var k = 0; k < n; k++)
        {
            var at = first + k;
            var su = su0 + Math.Clamp((at - u0) / (u1 - u0), 0, 1) * (su1 - su0);
            (_top[k], _bottom[k], _srcTop[k], _srcBottom[k]) = (Lerp(_u, _vUp, at), Lerp(_ul, _vLow, at), Lerp(_restU, _restUpper, su), Lerp(_restUl, _restLower, su));
        }
        for (var y = 0; y < roi.Height; y++)
        {
            for (var x = 0; x < roi.Width; x++)
            {
                float px = roi.X + x, py = roi.Y + y;
                float pu = px * ux + py * uy, pv = px * vx + py * vy;
                var t = (pu - u0) / (u1 - u0);
                if (t <= 0 || t >= 1) continue;
                var k = (int)(pu - first);
                var f = pu - first - k;
                float top = _top[k] + (_top[k + 1] - _top[k]) * f, bottom = _bottom[k] + (_bottom[k + 1] - _bottom[k]) * f, gap = bottom - top;
                if (gap <= 0.05f) continue;
                // How much of the pixel's height lies between the lips: a gap thinner than a pixel spreads over
                // the rows it crosses instead of breaking into dashes.
                var cover = Math.Clamp(MathF.Min(pv + 0.5f, bottom) - MathF.Max(pv - 0.5f, top), 0, 1);
                if (cover <= 0) continue;

                float a = MathF.Max(0, pv - top), b = MathF.Max(0, bottom - pv);
                var centre = MathF.Sin(MathF.PI * t);
                var su = su0 + t * (su1 - su0);
                float srcTop = _srcTop[k] + (_srcTop[k + 1] - _srcTop[k]) * f, srcBottom = _srcBottom[k] + (_srcBottom[k + 1] - _srcBottom[k]) * f;
                float hu, hl;
                if (PhotoTeeth) (hu, hl) = ((srcBottom - srcTop) * _upperShare, (srcBottom - srcTop) * (1 - _upperShare));
                else (hu, hl) = (0.09f * mw * MathF.Sqrt(centre), 0.045f * mw * MathF.Sqrt(centre));

                Vec3f colour;
                if (a + b < hu + hl)
                {
                    // The lips are closer than the teeth are tall: the teeth meet, each row up to its share.
                    // Between lips all but closed the teeth are in the lips' shadow: a dark red line where they meet.
                    colour = Mix(Rim, a * hl <= b * hu
                        ? UpperTooth(su, srcTop, t, a, hu, gap, mw)
                        : LowerTooth(su, srcBottom, t, b, hl, gap, mw), 0.35f + 0.65f * Math.Clamp((gap - 1) / 4, 0, 1));
                }
                else
                {
                    // Teeth edges blend into the cavity over EdgePixels. A cavity only a pixel
                    // or two high is the shadow where the teeth part, not a black line: it darkens as it opens.
                    var open = gap - hu - hl;
                    var parting = UpperTooth(su, srcTop, t, hu, hu, gap, mw) * 0.7f;
                    colour = Mix(parting, Cavity(a - hu, b - hl, open, t, centre, mw), Math.Clamp(open / PartingPixels, 0, 1));
                    var upper = Math.Clamp((hu - a) / EdgePixels + 0.5f, 0, 1);
                    var lower = Math.Clamp((hl - b) / EdgePixels + 0.5f, 0, 1);
                    if (upper > 0) colour = Mix(colour, UpperTooth(su, srcTop, t, MathF.Min(a, hu), hu, gap, mw), upper);
                    else if (lower > 0) colour = Mix(colour, LowerTooth(su, srcBottom, t, MathF.Min(b, hl), hl, gap, mw), lower);
                }

                var i = (y * roi.Width + x) * 3;
                for (var c = 0; c < 3; c++)
                    _buffer[i + c] = (byte)Math.Clamp(_buffer[i + c] + (colour[c] - _buffer[i + c]) * cover + 0.5f, 0, 255);
            }
        }
        using (var region = new Mat(target, roi)) buffer.CopyTo(region);
    }

    /// <summary>The upper row <paramref name="depth"/> px below the upper lip: the photo's own teeth read at that depth
    /// below its lip (srcTop), or drawn ones <paramref name="height"/> tall.</summary>
    private Vec3f UpperTooth(float su, float srcTop, float t, float depth, float height, float gap, float mw) =>
        PhotoTeeth ? Sample(su, srcTop + depth) : Tooth(t, depth, height, gap, mw, 1f);

    /// <summary>The lower row <paramref name="above"/> px above the lower lip (srcBottom on the photo).</summary>
    private Vec3f LowerTooth(float su, float srcBottom, float t, float above, float height, float gap, float mw) =>
        PhotoTeeth ? Sample(su, srcBottom - above) : Tooth(t, height - above, height, gap, mw, 0.78f);

    /// <summary>A drawn tooth row: brighter at the middle, shaded under the lip and where the mouth is barely
    /// open, with faint gaps between the teeth.</summary>
    private static Vec3f Tooth(float t, float depth, float height, float gap, float mw, float tone)
    {
        var light = tone * (0.62f + 0.38f * MathF.Sin(MathF.PI * t)) * (0.65f + 0.35f * Math.Clamp(gap / (0.14f * mw), 0, 1));
        light *= depth < 1.2f ? 0.8f : 1 - 0.18f * MathF.Pow(depth / MathF.Max(height, 1), 3);
        // Incisor edges at even steps from the middle, narrowing toward the corners.
        var k = MathF.Abs(t - 0.5f) * 2;
        var phase = MathF.Sqrt(k) * 4.2f;
        if (MathF.Abs(phase - MathF.Round(phase)) < 0.06f) light *= 0.82f;
        return new Vec3f(Teeth.Item0 * light, Teeth.Item1 * light, Teeth.Item2 * light);
    }

    private static Vec3f Cavity(float belowTeeth, float aboveTeeth, float open, float t, float centre, float mw)
    {
        var depth = Math.Clamp(MathF.Min(belowTeeth, aboveTeeth) / MathF.Max(1, open / 2), 0, 1);
        depth = MathF.Pow(depth, 0.7f);
        var light = 0.55f + 0.45f * centre;
        var c = Mix(Rim, Deep, depth);
        // The tongue lies low in a wide-open mouth, showing more the wider it opens (no edge where the opening
        // crosses a threshold from one column to the next).
        var shown = Math.Clamp((open - 0.06f * mw) / (0.08f * mw), 0, 1);
        if (shown > 0)
        {
            var dx = (t - 0.5f) / 0.33f;
            var dy = (aboveTeeth - open * 0.28f) / (open * 0.3f);
            var r = dx * dx + dy * dy;
            if (r < 1) c = Mix(c, Tongue * 0.75f, (1 - r) * 0.8f * shown * shown * (3 - 2 * shown));
        }
        return c * light;
    }

    private Vec3f Sample(float u, float v)
    {
        float x = u * _mesh.U.X + v * _mesh.V.X, y = u * _mesh.U.Y + v * _mesh.V.Y;
        x = Math.Clamp(x, 0, _width - 1.001f);
        y = Math.Clamp(y, 0, _height - 1.001f);
        int x0 = (int)x, y0 = (int)y;
        float fx = x - x0, fy = y - y0;
        var result = new Vec3f();
        for (var c = 0; c < 3; c++)
        {
            var i = (y0 * _width + x0) * 3 + c;
            var top = _photo[i] + (_photo[i + 3] - _photo[i]) * fx;
            var low = _photo[i + _width * 3] + (_photo[i + _width * 3 + 3] - _photo[i + _width * 3]) * fx;
            result[c] = top + (low - top) * fy;
        }
        return result;
    }

    /// <summary>Image columns across the middle 40 % of the photo's mouth, each with its inner lips (image y), for
    /// a face upright enough that a column crosses the mouth top to bottom.</summary>
    private List<(int X, float Top, float Bottom)> MiddleColumns()
    {
        var columns = new List<(int, float, float)>();
        float u0 = _restU[0], u1 = _restU[^1];
        for (var k = 0; k <= 16; k++)
        {
            var u = u0 + (0.3f + 0.4f * k / 16) * (u1 - u0);
            float top = Lerp(_restU, _restUpper, u), bottom = Lerp(_restUl, _restLower, Math.Clamp(u, _restUl[0], _restUl[^1]));
            // Back to image coordinates: the column through the mouth's midline at u.
            float x = u * _mesh.U.X + (top + bottom) / 2 * _mesh.V.X;
            float yTop = u * _mesh.U.Y + top * _mesh.V.Y, yBottom = u * _mesh.U.Y + bottom * _mesh.V.Y;
            columns.Add(((int)MathF.Round(x), yTop, yBottom));
        }
        return columns;
    }

    /// <summary>The inner lips as two curves v(u) in the face's axes.</summary>
    private void Curves(float[] p, float[] u, float[] vUp, float[] ul, float[] vLow)
    {
        for (var k = 0; k < UpperLip.Length; k++)
        {
            (u[k], vUp[k]) = Axes(p, UpperLip[k]);
            (ul[k], vLow[k]) = Axes(p, LowerLip[k]);
        }
    }

    private (float U, float V) Axes(float[] p, int i) =>
        (p[2 * i] * _mesh.U.X + p[2 * i + 1] * _mesh.U.Y, p[2 * i] * _mesh.V.X + p[2 * i + 1] * _mesh.V.Y);

    private static float Mid(float[] u) => (u[0] + u[^1]) / 2;

    private static float Lerp(float[] u, float[] v, float at) => FacePose.Lerp(u, v, at);

    private static Vec3f Mix(Vec3f a, Vec3f b, float w) => new(a.Item0 + (b.Item0 - a.Item0) * w, a.Item1 + (b.Item1 - a.Item1) * w, a.Item2 + (b.Item2 - a.Item2) * w);

    private Rect Box(float[] p, Mat target)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (var i in UpperLip.Concat(LowerLip)) (x0, y0, x1, y1) = (Math.Min(x0, p[2 * i]), Math.Min(y0, p[2 * i + 1]), Math.Max(x1, p[2 * i]), Math.Max(y1, p[2 * i + 1]));
        var left = Math.Max(0, (int)x0 - 2);
        var top = Math.Max(0, (int)y0 - 2);
        return new Rect(left, top, Math.Min(target.Width, (int)x1 + 3) - left, Math.Min(target.Height, (int)y1 + 3) - top);
    }

    public void Dispose() => _bufferHandle.Free();
}
