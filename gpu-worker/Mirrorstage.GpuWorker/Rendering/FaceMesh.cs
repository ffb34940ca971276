using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>The triangulated mesh the procedural engine warps, at the output's size: the 68 landmarks, extra
/// points halfway along each lip contour (on a Catmull-Rom curve, so the lips bend smoothly), a row of forehead
/// points above the brows, an inner ring around the face (it moves only with the head) and an
/// outer ring (never moves: the photo is untouched beyond it). Triangles come from a Delaunay triangulation of
/// the rest positions and keep their vertices as the face moves.</summary>
public sealed class FaceMesh
{
    public const int LipMids = 68, LipMidCount = 20, Forehead = LipMids + LipMidCount, ForeheadCount = 10, RingCount = 20;

    /// <summary>The lip contours from corner to corner (image left to right), landmarks and midpoints.</summary>
    public static readonly int[] InnerUpper = Chain([60, 61, 62, 63, 64], LipMids);
    public static readonly int[] InnerLower = Chain([60, 67, 66, 65, 64], LipMids + 4);
    public static readonly int[] OuterUpper = Chain([48, 49, 50, 51, 52, 53, 54], LipMids + 8);
    public static readonly int[] OuterLower = Chain([48, 59, 58, 57, 56, 55, 54], LipMids + 14);

    /// <summary>Landmarks with a new vertex between each neighbouring pair, numbered from firstMid.</summary>
    private static int[] Chain(int[] landmarks, int firstMid)
    {
        var chain = new int[2 * landmarks.Length - 1];
        for (var k = 0; k < landmarks.Length; k++)
        {
            chain[2 * k] = landmarks[k];
            if (k + 1 < landmarks.Length) chain[2 * k + 1] = firstMid + k;
        }
        return chain;
    }
    public const int InnerRing = Forehead + ForeheadCount, OuterRing = InnerRing + RingCount;
    public const int VertexCount = OuterRing + RingCount;

    /// <summary>Rest positions, x0 y0 x1 y1 ...</summary>
    public float[] Rest { get; }
    /// <summary>Vertex indices, three per triangle.</summary>
    public int[] Triangles { get; }
    /// <summary>The face's own axes: U along the eyes (to the image's right), V down the face.</summary>
    public Point2f U { get; }
    public Point2f V { get; }
    /// <summary>Mouth width and eye distance in output pixels.</summary>
    public float MouthWidth { get; }
    public float EyeDistance { get; }

    public FaceMesh(FaceLandmarks landmarks, int width, int height)
    {
        var l = landmarks.ScaledTo(width, height);
        var left = l.Centre(36, 41);
        var right = l.Centre(42, 47);
        float ex = right.X - left.X, ey = right.Y - left.Y;
        EyeDistance = MathF.Sqrt(ex * ex + ey * ey);
        U = new Point2f(ex / EyeDistance, ey / EyeDistance);
        V = new Point2f(-U.Y, U.X);
        MouthWidth = Distance(l[48], l[54]);

        var rest = new float[2 * VertexCount];
        for (var i = 0; i < 68; i++) (rest[2 * i], rest[2 * i + 1]) = (l[i].X, l[i].Y);
        foreach (var chain in new[] { InnerUpper, InnerLower, OuterUpper, OuterLower }) Midpoints(rest, chain);
        for (var i = 0; i < ForeheadCount; i++)
        {
            var brow = l[17 + i];
            rest[2 * (Forehead + i)] = brow.X - V.X * 0.6f * EyeDistance;
            rest[2 * (Forehead + i) + 1] = brow.Y - V.Y * 0.6f * EyeDistance;
        }
        Ring(rest, InnerRing, 1.22f);
        Ring(rest, OuterRing, 1.6f);
        Rest = rest;
        Triangles = Triangulate(rest, width, height);
    }

    /// <summary>Each odd vertex of the chain halfway between its neighbours on a Catmull-Rom curve.</summary>
    private static void Midpoints(float[] p, int[] chain)
    {
        for (var k = 1; k < chain.Length; k += 2)
        {
            int a = chain[Math.Max(0, k - 3)], b = chain[k - 1], c = chain[k + 1], d = chain[Math.Min(chain.Length - 1, k + 3)];
            for (var axis = 0; axis < 2; axis++)
                p[2 * chain[k] + axis] = (-p[2 * a + axis] + 9 * p[2 * b + axis] + 9 * p[2 * c + axis] - p[2 * d + axis]) / 16;
        }
    }

    /// <summary>An ellipse in the face's axes around the landmarks and forehead, scaled from their extent.</summary>
    private void Ring(float[] points, int first, float scale)
    {
        float minU = float.MaxValue, maxU = float.MinValue, minV = float.MaxValue, maxV = float.MinValue;
        for (var i = 0; i < Forehead + ForeheadCount; i++)
        {
            float u = points[2 * i] * U.X + points[2 * i + 1] * U.Y, v = points[2 * i] * V.X + points[2 * i + 1] * V.Y;
            (minU, maxU, minV, maxV) = (Math.Min(minU, u), Math.Max(maxU, u), Math.Min(minV, v), Math.Max(maxV, v));
        }
        float cu = (minU + maxU) / 2, cv = (minV + maxV) / 2, ru = (maxU - minU) / 2 * scale, rv = (maxV - minV) / 2 * scale;
        for (var k = 0; k < RingCount; k++)
        {
            var a = 2 * MathF.PI * k / RingCount;
            // Lower down the ring leaves more room under the chin: the jaw drops there.
            var below = MathF.Max(0, MathF.Sin(a)) * 0.35f * rv / scale;
            float u = cu + ru * MathF.Cos(a), v = cv + (rv + below) * MathF.Sin(a);
            points[2 * (first + k)] = u * U.X + v * V.X;
            points[2 * (first + k) + 1] = u * U.Y + v * V.Y;
        }
    }

    private static int[] Triangulate(float[] points, int width, int height)
    {
        using var subdiv = new Subdiv2D(new Rect(-2 * width, -2 * height, 5 * width, 5 * height));
        var ids = new Dictionary<(float, float), int>();
        for (var i = 0; i < points.Length / 2; i++)
        {
            ids.TryAdd((points[2 * i], points[2 * i + 1]), i);
            subdiv.Insert(new Point2f(points[2 * i], points[2 * i + 1]));
        }
        var triangles = new List<int>();
        foreach (var t in subdiv.GetTriangleList())
        {
            // Subdiv2D adds three far-away vertices of its own; triangles touching them are dropped.
            if (!ids.TryGetValue((t.Item0, t.Item1), out var a) || !ids.TryGetValue((t.Item2, t.Item3), out var b) || !ids.TryGetValue((t.Item4, t.Item5), out var c)) continue;
            triangles.AddRange([a, b, c]);
        }
        return triangles.ToArray();
    }

    private static float Distance(LandmarkPoint a, LandmarkPoint b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
