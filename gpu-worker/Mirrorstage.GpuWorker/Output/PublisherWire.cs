using System.Buffers.Binary;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>The pipe to and from the LiveKit publisher (livekit-publisher/src/wire.js):
/// messages of [kind: 1 byte][length: u32 LE][payload].</summary>
public static class PublisherWire
{
    public static async Task WriteAsync(Stream stream, char kind, ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second = default, CancellationToken ct = default)
    {
        var head = new byte[5];
        head[0] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(1), (uint)(first.Length + second.Length));
        await stream.WriteAsync(head, ct);
        await stream.WriteAsync(first, ct);
        if (!second.IsEmpty) await stream.WriteAsync(second, ct);
    }

    /// <summary>The next message, or null at the end of the stream.</summary>
    public static async Task<(char Kind, byte[] Payload)?> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        var head = new byte[5];
        try
        {
            await stream.ReadExactlyAsync(head, ct);
            var payload = new byte[BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(1))];
            await stream.ReadExactlyAsync(payload, ct);
            return ((char)head[0], payload);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
