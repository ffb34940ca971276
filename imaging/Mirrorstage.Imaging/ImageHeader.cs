using System.Buffers.Binary;

namespace Mirrorstage.Imaging;

public enum ImageKind { Unknown, Jpeg, Png }

/// <summary>What the bytes say about an image before anything decodes it: its real type (magic bytes, not the
/// declared content type), its declared size, and whether the file ends where its format says it must.</summary>
public sealed record ImageHeader(ImageKind Kind, int Width, int Height, bool Complete)
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] PngEnd = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]; // IEND + CRC

    public long Pixels => (long)Width * Height;

    public static ImageKind Sniff(ReadOnlySpan<byte> data) =>
        data.StartsWith(PngMagic) ? ImageKind.Png
        : data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF ? ImageKind.Jpeg
        : ImageKind.Unknown;

    /// <summary>Null when the header itself is unreadable.</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> data) => Sniff(data) switch
    {
        ImageKind.Png => ReadPng(data),
        ImageKind.Jpeg => ReadJpeg(data),
        _ => null,
    };

    private static ImageHeader? ReadPng(ReadOnlySpan<byte> d)
    {
        // Signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4).
        if (d.Length < 24 || !d.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        var w = BinaryPrimitives.ReadUInt32BigEndian(d.Slice(16, 4));
        var h = BinaryPrimitives.ReadUInt32BigEndian(d.Slice(20, 4));
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue) return null;
        var complete = d.Length >= 8 && d.IndexOf(PngEnd) > 0;
        return new ImageHeader(ImageKind.Png, (int)w, (int)h, complete);
    }

    private static ImageHeader? ReadJpeg(ReadOnlySpan<byte> d)
    {
        var i = 2;
        while (i + 4 <= d.Length)
        {
            if (d[i] != 0xFF) return null;
            var marker = d[i + 1];
            if (marker == 0xFF) { i++; continue; }                 // fill byte
            if (marker is 0xD8 or 0x01 or >= 0xD0 and <= 0xD7) { i += 2; continue; } // no length
            var length = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(i + 2, 2));
            if (length < 2) return null;
            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (i + 9 > d.Length) return null;
                int h = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(i + 5, 2));
                int w = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(i + 7, 2));
                if (w == 0 || h == 0) return null;
                return new ImageHeader(ImageKind.Jpeg, w, h, EndsWithEoi(d));
            }
            i += 2 + length;
        }
        return null;
    }

    // A JPEG ends with EOI (FF D9); allow a little trailing padding some encoders add.
    private static bool EndsWithEoi(ReadOnlySpan<byte> d)
    {
        var tail = d[Math.Max(0, d.Length - 64)..];
        return tail.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0;
    }
}
