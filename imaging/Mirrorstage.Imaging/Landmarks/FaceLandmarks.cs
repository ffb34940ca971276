using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mirrorstage.Imaging.Landmarks;

/// <summary>A point in the face crop's pixels (x to the right, y down).</summary>
public readonly record struct LandmarkPoint(float X, float Y);

/// <summary>The 68 facial landmarks of one face in iBUG 300-W order (jaw 0-16, brows 17-26, nose 27-35, eyes
/// 36-47, outer lips 48-59, inner lips 60-67), in the pixels of the image they were found in (the reference
/// crop, Width x Height). Stored beside the crop as JSON so workers never fit them again.</summary>
public sealed record FaceLandmarks(
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("points")] IReadOnlyList<LandmarkPoint> Points)
{
    public const int Count = 68;

    public LandmarkPoint this[int index] => Points[index];

    /// <summary>The mean of some landmarks, e.g. an eye's six points.</summary>
    public LandmarkPoint Centre(int from, int to)
    {
        float x = 0, y = 0;
        for (var i = from; i <= to; i++) { x += Points[i].X; y += Points[i].Y; }
        return new(x / (to - from + 1), y / (to - from + 1));
    }

    /// <summary>The same face in an image scaled to width x height.</summary>
    public FaceLandmarks ScaledTo(int width, int height)
    {
        float sx = (float)width / Width, sy = (float)height / Height;
        return new(width, height, Points.Select(p => new LandmarkPoint(p.X * sx, p.Y * sy)).ToArray());
    }

    /// <summary>The landmarks of the horizontally flipped image: positions mirrored and each point renamed to
    /// its partner on the other side (the left eye's outer corner becomes the right eye's).</summary>
    public FaceLandmarks Mirrored() =>
        new(Width, Height, Enumerable.Range(0, Count).Select(i => Points[MirrorOf[i]] is var p ? new LandmarkPoint(Width - 1 - p.X, p.Y) : default).ToArray());

    private static readonly int[] MirrorOf = BuildMirror();

    private static int[] BuildMirror()
    {
        var m = Enumerable.Range(0, Count).ToArray();
        void Pair(int a, int b) { m[a] = b; m[b] = a; }
        for (var i = 0; i < 8; i++) Pair(i, 16 - i);           // jaw
        for (var i = 0; i < 5; i++) Pair(17 + i, 26 - i);      // brows
        Pair(31, 35); Pair(32, 34);                             // nostrils
        Pair(36, 45); Pair(37, 44); Pair(38, 43); Pair(39, 42); Pair(40, 47); Pair(41, 46); // eyes
        Pair(48, 54); Pair(49, 53); Pair(50, 52); Pair(55, 59); Pair(56, 58);               // outer lips
        Pair(60, 64); Pair(61, 63); Pair(65, 67);                                           // inner lips
        return m;
    }

    private static readonly JsonSerializerOptions Json = new() { Converters = { new PointConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads landmarks written by <see cref="ToJson"/>; refuses anything but 68 finite points.</summary>
    public static FaceLandmarks FromJson(ReadOnlySpan<byte> utf8)
    {
        var l = JsonSerializer.Deserialize<FaceLandmarks>(utf8, Json) ?? throw new JsonException("Landmarks are null.");
        if (l.Points is null || l.Points.Count != Count || l.Width <= 0 || l.Height <= 0 || l.Points.Any(p => !float.IsFinite(p.X) || !float.IsFinite(p.Y)))
            throw new JsonException($"Landmarks need {Count} finite points and a positive size.");
        return l;
    }

    public static FaceLandmarks FromJson(string json) => FromJson(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>A point as a compact [x, y] pair.</summary>
    private sealed class PointConverter : JsonConverter<LandmarkPoint>
    {
        public override LandmarkPoint Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options)
        {
            var xy = JsonSerializer.Deserialize<float[]>(ref reader, options);
            return xy is { Length: 2 } ? new(xy[0], xy[1]) : throw new JsonException("A landmark is an [x, y] pair.");
        }

        public override void Write(Utf8JsonWriter writer, LandmarkPoint value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(MathF.Round(value.X, 2));
            writer.WriteNumberValue(MathF.Round(value.Y, 2));
            writer.WriteEndArray();
        }
    }
}
