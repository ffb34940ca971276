using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>One video frame's drive. MouthOpen: the gap between the lips (0 closed .. 1 wide); Spread: lip
/// spread (+1, "ee") against rounding (-1, "oo"); Blink: how far the eyelids are down; Breath: the idle cycle.
/// The head's pose (HeadX/HeadY as fractions of the frame, HeadRoll in radians) is small and slow.</summary>
public readonly record struct FrameDrive(double MouthOpen, double Spread, double Blink, double Breath)
{
    public double HeadX { get; init; }
    public double HeadY { get; init; }
    public double HeadRoll { get; init; }
}

/// <summary>Turns a reference face and a drive into frames. Engines: procedural (no weights), wav2lip-onnx.</summary>
public interface IRenderEngine : IDisposable
{
    void Render(FrameDrive drive, Mat target);
}
