namespace Mirrorstage.Imaging.Landmarks;

/// <summary>One level of the cascade: the pixels it samples (each anchored to a landmark of the mean shape
/// with an offset, in the face box's unit square) and its forest of regression trees over differences of
/// those pixels' intensities. Trees are stored flat: node k of tree t is split index SplitStart[t] + k.</summary>
public sealed record CascadeLevel(
    int[] Anchor, float[] Deltas,
    int[] SplitStart, int[] Idx1, int[] Idx2, float[] Thresh,
    int[] LeafStart, float[] Leaves)
{
    public int Trees => SplitStart.Length;
    public int Pixels => Anchor.Length;
}

/// <summary>A dlib shape_predictor (ensemble of regression trees, Kazemi and Sullivan 2014) read from its
/// serialised file: the mean shape in the face box's unit square and the cascade's levels.</summary>
public sealed record ShapeModel(float[] MeanShape, CascadeLevel[] Levels)
{
    public int Parts => MeanShape.Length / 2;

    public static ShapeModel Load(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Layout (dlib shape_predictor, version 1): version, initial shape, forests (per level a vector
    /// of trees, each its splits {idx1, idx2, thresh} and its leaf vectors), per level the anchor landmark of
    /// each feature pixel, per level those pixels' offsets from their anchors.</summary>
    public static ShapeModel Read(byte[] data)
    {
        var s = new DlibStream(data);
        var version = s.ReadSigned();
        if (version != 1) throw new InvalidDataException($"Not a dlib shape_predictor: version {version}, expected 1.");
        var mean = s.ReadColumn();
        if (mean.Length == 0 || mean.Length % 2 != 0) throw new InvalidDataException($"A mean shape of {mean.Length} values is not a list of points.");

        var forests = new (int[] SplitStart, int[] I1, int[] I2, float[] T, int[] LeafStart, float[] Leaves)[s.ReadCount()];
        for (var level = 0; level < forests.Length; level++) forests[level] = ReadForest(s, mean.Length);

        var anchors = new int[s.ReadCount()][];
        if (anchors.Length != forests.Length) throw new InvalidDataException($"{anchors.Length} anchor lists for {forests.Length} levels.");
        for (var level = 0; level < anchors.Length; level++)
        {
            anchors[level] = new int[s.ReadCount()];
            for (var i = 0; i < anchors[level].Length; i++)
                anchors[level][i] = checked((int)s.ReadUnsigned()) is var a && a < mean.Length / 2 ? a : throw new InvalidDataException($"Anchor {a} is not a landmark.");
        }
        var deltaCount = s.ReadCount();
        if (deltaCount != forests.Length) throw new InvalidDataException($"{deltaCount} offset lists for {forests.Length} levels.");

        var levels = new CascadeLevel[forests.Length];
        for (var level = 0; level < levels.Length; level++)
        {
            var deltas = new float[2 * s.ReadCount()];
            if (deltas.Length != 2 * anchors[level].Length) throw new InvalidDataException($"Level {level}: offsets and anchors differ in number.");
            for (var i = 0; i < deltas.Length; i++) deltas[i] = s.ReadFloat();
            var f = forests[level];
            if (f.I1.Concat(f.I2).Any(i => i >= anchors[level].Length)) throw new InvalidDataException($"Level {level}: a split reads a pixel it does not sample.");
            levels[level] = new CascadeLevel(anchors[level], deltas, f.SplitStart, f.I1, f.I2, f.T, f.LeafStart, f.Leaves);
        }
        return new ShapeModel(mean, levels);
    }

    private static (int[], int[], int[], float[], int[], float[]) ReadForest(DlibStream s, int shapeLength)
    {
        var trees = s.ReadCount();
        var splitStart = new int[trees];
        var leafStart = new int[trees];
        List<int> i1 = [], i2 = [];
        List<float> thresh = [], leaves = [];
        for (var t = 0; t < trees; t++)
        {
            splitStart[t] = i1.Count;
            var splits = s.ReadCount();
            for (var k = 0; k < splits; k++)
            {
                i1.Add(checked((int)s.ReadUnsigned()));
                i2.Add(checked((int)s.ReadUnsigned()));
                thresh.Add(s.ReadFloat());
            }
            var leafCount = s.ReadCount();
            if (leafCount != splits + 1) throw new InvalidDataException($"A tree with {splits} splits and {leafCount} leaves is not a full binary tree.");
            leafStart[t] = leaves.Count;
            for (var k = 0; k < leafCount; k++)
            {
                var leaf = s.ReadColumn();
                if (leaf.Length != shapeLength) throw new InvalidDataException($"A leaf of {leaf.Length} values for a shape of {shapeLength}.");
                leaves.AddRange(leaf);
            }
        }
        return (splitStart, i1.ToArray(), i2.ToArray(), thresh.ToArray(), leafStart, leaves.ToArray());
    }
}
