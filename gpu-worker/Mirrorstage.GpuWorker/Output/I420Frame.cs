using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>The pixel format every output takes: I420 (the Y plane, then U, then V at half resolution; BT.601,
/// limited range, as ffmpeg and WebRTC read yuv420p by default). x264 encodes it without a conversion of its own
/// and LiveKit's WebRTC stack captures it as it is, and it is half the bytes of BGR through every pipe. One
/// conversion per frame, into a buffer reused for the session.</summary>
public sealed class I420Frame : IDisposable
{
    private readonly byte[] _bytes;
    private readonly GCHandle _pin;
    private readonly Mat _planes;

    public I420Frame(int width, int height)
    {
        if (width % 2 != 0 || height % 2 != 0) throw new ArgumentException($"I420 needs an even size, not {width}x{height}");
        (Width, Height) = (width, height);
        _bytes = new byte[Length(width, height)];
        _pin = GCHandle.Alloc(_bytes, GCHandleType.Pinned);
        _planes = Mat.FromPixelData(height * 3 / 2, width, MatType.CV_8UC1, _pin.AddrOfPinnedObject());
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Bytes of one I420 frame.</summary>
    public static int Length(int width, int height) => width * height * 3 / 2;

    /// <summary>Converts a BGR frame of this size; the bytes stay valid until the next call.</summary>
    public ReadOnlyMemory<byte> From(Mat bgr)
    {
        if (bgr.Width != Width || bgr.Height != Height || bgr.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"expected a {Width}x{Height} BGR frame, got {bgr.Width}x{bgr.Height} {bgr.Type()}");
        Cv2.CvtColor(bgr, _planes, ColorConversionCodes.BGR2YUV_I420);
        return _bytes;
    }

    public void Dispose()
    {
        _planes.Dispose();
        if (_pin.IsAllocated) _pin.Free();
    }
}
