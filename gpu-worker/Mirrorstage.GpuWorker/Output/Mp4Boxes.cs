using System.Buffers.Binary;
using System.Text;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>Top-level ISO BMFF boxes, read from a stream.</summary>
public static class Mp4Boxes
{
    public static async Task<byte[]?> ReadAsync(Stream s)
    {
        var head = new byte[8];
        try { await s.ReadExactlyAsync(head); }
        catch (EndOfStreamException) { return null; }
        long size = BinaryPrimitives.ReadUInt32BigEndian(head);
        var extra = Array.Empty<byte>();
        if (size == 1)
        {
            extra = new byte[8];
            await s.ReadExactlyAsync(extra);
            size = (long)BinaryPrimitives.ReadUInt64BigEndian(extra);
        }
        if (size < head.Length + extra.Length || size > 64 << 20) throw new IOException($"MP4 box of {size} bytes");
        var box = new byte[size];
        head.CopyTo(box, 0);
        extra.CopyTo(box, 8);
        await s.ReadExactlyAsync(box.AsMemory(8 + extra.Length));
        return box;
    }

    public static string Type(byte[] box) => Encoding.ASCII.GetString(box, 4, 4);

    /// <summary>avc1.PPCCLL from the avcC record (profile, constraints, level), as MSE wants it.</summary>
    public static string? AvcCodec(byte[] init)
    {
        var at = init.AsSpan().IndexOf("avcC"u8);
        return at < 0 || at + 8 > init.Length ? null : $"avc1.{init[at + 5]:X2}{init[at + 6]:X2}{init[at + 7]:X2}";
    }
}
