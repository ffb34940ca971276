using System.Numerics;
using System.Runtime.InteropServices;

namespace Mirrorstage.Imaging.Landmarks;

/// <summary>A face box in pixels (dlib's convention: the unit square's (0,0) is the top-left pixel, (1,1)
/// the bottom-right one).</summary>
public readonly record struct FaceBox(float Left, float Top, float Right, float Bottom)
{
    public float Width => Right - Left;
    public float Height => Bottom - Top;
}

/// <summary>Runs the regression-tree cascade on a grey image: start from the mean shape placed in the face
/// box; at each level sample the level's pixels relative to the current shape (their offsets turned and
/// scaled by the similarity that takes the mean shape to the current one), walk every tree on differences of
/// those intensities and add the leaves' shape increments.</summary>
public sealed class ShapePredictor(ShapeModel model)
{
    public ShapeModel Model => model;

    /// <summary>gray: Width x Height bytes, row-major. Returns the shape in pixels, x0 y0 x1 y1 ...</summary>
    public float[] Predict(ReadOnlySpan<byte> gray, int width, int height, FaceBox box)
    {
        var shape = (float[])model.MeanShape.Clone();
        var pixels = new float[model.Levels.Max(l => l.Pixels)];
        foreach (var level in model.Levels)
        {
            Sample(level, gray, width, height, box, shape, pixels);
            for (var t = 0; t < level.Trees; t++) AddLeaf(level, t, pixels, shape);
        }
        for (var i = 0; i < shape.Length; i += 2)
        {
            shape[i] = box.Left + shape[i] * box.Width;
            shape[i + 1] = box.Top + shape[i + 1] * box.Height;
        }
        return shape;
    }

    private void Sample(CascadeLevel level, ReadOnlySpan<byte> gray, int width, int height, FaceBox box, float[] shape, float[] pixels)
    {
        var (a, b, _, _) = Similarity.Fit(model.MeanShape, shape);
        for (var i = 0; i < level.Pixels; i++)
        {
            float dx = level.Deltas[2 * i], dy = level.Deltas[2 * i + 1];
            var anchor = level.Anchor[i];
            var u = a * dx - b * dy + shape[2 * anchor];
            var v = b * dx + a * dy + shape[2 * anchor + 1];
            var x = (int)MathF.Floor(box.Left + u * box.Width + 0.5f);
            var y = (int)MathF.Floor(box.Top + v * box.Height + 0.5f);
            pixels[i] = x >= 0 && y >= 0 && x < width && y < height ? gray[y * width + x] : 0;
        }
    }

    private static void AddLeaf(CascadeLevel level, int tree, float[] pixels, float[] shape)
    {
        var start = level.SplitStart[tree];
        var splits = (tree + 1 < level.Trees ? level.SplitStart[tree + 1] : level.Idx1.Length) - start;
        var node = 0;
        while (node < splits)
        {
            var k = start + node;
            node = pixels[level.Idx1[k]] - pixels[level.Idx2[k]] > level.Thresh[k] ? 2 * node + 1 : 2 * node + 2;
        }
        var leaf = level.Leaves.AsSpan(level.LeafStart[tree] + (node - splits) * shape.Length, shape.Length);
        var target = shape.AsSpan();
        var vs = MemoryMarshal.Cast<float, Vector<float>>(target);
        var vl = MemoryMarshal.Cast<float, Vector<float>>(leaf);
        for (var i = 0; i < vs.Length; i++) vs[i] += vl[i];
        for (var i = vs.Length * Vector<float>.Count; i < target.Length; i++) target[i] += leaf[i];
    }
}

/// <summary>The least-squares similarity (scale and rotation [a -b; b a], then translation) taking one point
/// set onto another, both as x0 y0 x1 y1 ...</summary>
public static class Similarity
{
    public static (float A, float B, float Tx, float Ty) Fit(ReadOnlySpan<float> from, ReadOnlySpan<float> to)
    {
        var n = from.Length / 2;
        double fx = 0, fy = 0, tx = 0, ty = 0;
        for (var i = 0; i < n; i++) { fx += from[2 * i]; fy += from[2 * i + 1]; tx += to[2 * i]; ty += to[2 * i + 1]; }
        fx /= n; fy /= n; tx /= n; ty /= n;
        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < n; i++)
        {
            double px = from[2 * i] - fx, py = from[2 * i + 1] - fy, qx = to[2 * i] - tx, qy = to[2 * i + 1] - ty;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }
        if (norm == 0) return (1, 0, (float)(tx - fx), (float)(ty - fy));
        double a = dot / norm, b = cross / norm;
        return ((float)a, (float)b, (float)(tx - (a * fx - b * fy)), (float)(ty - (b * fx + a * fy)));
    }
}
