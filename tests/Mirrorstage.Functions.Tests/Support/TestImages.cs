using System.Buffers.Binary;
using OpenCvSharp;

namespace Mirrorstage.Functions.Tests.Support;

/// <summary>Real photos from the fixtures, and hostile files made byte by byte.</summary>
public static class TestImages
{
    public static byte[] Astronaut { get; } = File.ReadAllBytes(Path.Combine(TestEnvironment.SharedFixtures, "faces", "astronaut.png"));

    public static byte[] AstronautJpeg { get; } = Cv2.ImDecode(Astronaut, ImreadModes.Color).ImEncode(".jpg");

    /// <summary>The fixture face with one corner pixel changed: a photo the blob store has never seen.</summary>
    public static byte[] FreshAstronaut()
    {
        using var photo = Cv2.ImDecode(Astronaut, ImreadModes.Color);
        photo.Set(0, 0, new Vec3b((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256)));
        photo.Set(1, 0, new Vec3b((byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(256)));
        return photo.ImEncode(".png");
    }

    /// <summary>A second, clearly different face from the one fixture photo: mirrored, red and blue swapped.</summary>
    public static byte[] OtherFace { get; } = MakeOtherFace();

    private static byte[] MakeOtherFace()
    {
        using var photo = Cv2.ImDecode(Astronaut, ImreadModes.Color);
        using var mirrored = photo.Flip(FlipMode.Y);
        using var swapped = mirrored.CvtColor(ColorConversionCodes.BGR2RGB);
        return swapped.ImEncode(".png");
    }

    /// <summary>scikit-image's "chelsea", a real photo of a cat, extracted by scripts/install-deps.sh.</summary>
    public static byte[] Cat
    {
        get
        {
            var path = Path.Combine(TestEnvironment.TestData, "cat.png");
            return File.Exists(path) ? File.ReadAllBytes(path)
                : throw new FileNotFoundException($"{path} is missing: run scripts/install-deps.sh.", path);
        }
    }

    public static byte[] Blank()
    {
        using var mat = new Mat(512, 512, MatType.CV_8UC3, new Scalar(180, 180, 180));
        return mat.ImEncode(".png");
    }

    public static byte[] Gif { get; } = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x21, 0xF9, 4, 1, 0, 0, 0, 0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B];

    public static byte[] Text { get; } = "this is not a photo of a face, just some text\n"u8.ToArray();

    public static byte[] TruncatedPng => Astronaut[..(Astronaut.Length / 2)];

    /// <summary>A well-formed PNG header declaring 30000 x 30000 pixels (a decompression bomb's shape).</summary>
    public static byte[] HugePng()
    {
        var png = new List<byte>();
        png.AddRange([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(0), 30000);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 30000);
        ihdr[8] = 8; ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return [.. png];
    }

    private static void Chunk(List<byte> png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        png.AddRange(length);
        var body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.AddRange(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(body));
        png.AddRange(crc);
    }
}
