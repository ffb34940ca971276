namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>The wav2lip-onnx engine's settings, bound from "Mirrorstage:Worker:Neural" (used when
/// Mirrorstage:Worker:Engine is "wav2lip-onnx").</summary>
public sealed class NeuralOptions
{
    public const string Section = "Mirrorstage:Worker:Neural";

    /// <summary>An ONNX model with the Wav2Lip interface: inputs mel Bx1x80x16 and face Bx6xSxS, output Bx3xSxS.
    /// No weights ship with the project: the operator brings the file.</summary>
    public string? ModelPath { get; set; }

    /// <summary>cpu, cuda or tensorrt. cuda and tensorrt need the GPU build (-p:OnnxRuntimeFlavor=gpu) and the CUDA
    /// libraries; without them the worker refuses to start rather than fall back to the CPU.</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    public int DeviceId { get; set; }

    /// <summary>Threads one inference may use on the CPU provider (0: ONNX Runtime's default, all cores).</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Frames run through the model at once, at most (a model with a fixed batch caps it).</summary>
    public int MaxBatch { get; set; } = 8;

    /// <summary>How long a frame may wait for inference beyond the audio look-ahead. The video (and the audio with
    /// it) is delayed by the look-ahead plus this; a frame whose mouth is not ready by then is shown with the
    /// fallback instead, so the stream never waits.</summary>
    public int LatencyBudgetMs { get; set; } = 200;

    /// <summary>What a frame shows when its mouth is late: "procedural" (the weightless engine's mouth) or
    /// "last-mouth" (the last mouth the model produced).</summary>
    public string Fallback { get; set; } = "procedural";

    public string? Problem() => (ExecutionProvider, Fallback) switch
    {
        _ when string.IsNullOrWhiteSpace(ModelPath) => "ModelPath is not set (an ONNX file with the Wav2Lip interface)",
        (not ("cpu" or "cuda" or "tensorrt"), _) => $"ExecutionProvider must be cpu, cuda or tensorrt, not '{ExecutionProvider}'",
        (_, not ("procedural" or "last-mouth")) => $"Fallback must be procedural or last-mouth, not '{Fallback}'",
        _ when MaxBatch < 1 || LatencyBudgetMs < 0 || IntraOpThreads < 0 => "MaxBatch must be at least 1, LatencyBudgetMs and IntraOpThreads not negative",
        _ => null,
    };
}
