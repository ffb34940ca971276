using Microsoft.Extensions.Options;
using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>The engine selection point: Mirrorstage:Worker:Engine names the engine every session renders with,
/// "procedural" (the default, no weights) or "wav2lip-onnx" (the operator's model, loaded once at start-up).</summary>
public sealed class RenderEngines(IOptions<WorkerOptions> worker, IOptions<NeuralOptions> neural, NeuralRuntime runtime, NeuralMetrics metrics, ILoggerFactory logs)
{
    public const string Procedural = "procedural", Wav2LipOnnx = "wav2lip-onnx";

    private bool IsNeural => worker.Value.Engine == Wav2LipOnnx;

    /// <summary>Frames the engine shows each frame after its audio; the frame loop delays the audio as much.</summary>
    public int DelayFrames => IsNeural ? Wav2LipEngine.DelayFor(neural.Value, worker.Value.FramesPerSecond) : 0;

    /// <summary>An engine for one face crop; its landmarks also place the neural engine's face box and mouth.</summary>
    public IRenderEngine Create(Mat reference, FaceLandmarks landmarks)
    {
        var o = worker.Value;
        IRenderEngine Weightless() => new ProceduralEngine(reference, landmarks, o.Width, o.Height);
        if (!IsNeural) return Weightless();
        return new Wav2LipEngine(runtime.Model, new LandmarkAligner(landmarks), Weightless, neural.Value, o.Width, o.Height, o.FramesPerSecond, metrics, logs.CreateLogger<Wav2LipEngine>());
    }
}
