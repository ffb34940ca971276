using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>One video frame's drive: how open the mouth is and whether the eyes are closing.</summary>
public readonly record struct FrameDrive(double MouthOpen, double Spread, double Blink, double Breath)
{
    /// <summary>The frame's own audio (16 kHz mono s16, one frame's worth), for engines that listen (wav2lip-onnx).
    /// Valid only during Render: the frame loop reuses the buffer.</summary>
    public ReadOnlyMemory<short> Audio { get; init; }
}

/// <summary>Turns a reference face and a drive into frames. Engines: procedural (no weights), wav2lip-onnx.</summary>
public interface IRenderEngine : IDisposable
{
    void Render(FrameDrive drive, Mat target);
}
