using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>ONNX Runtime session options for the configured execution provider. Asking for a GPU provider where it
/// cannot run fails here with the missing pieces named: the worker never falls back to the CPU silently, since
/// a GPU replica doing CPU inference would miss every frame and look healthy.</summary>
public static class ExecutionProviders
{
    /// <summary>The NVIDIA driver's CUDA library: not in any image, the host's driver provides it (the container
    /// toolkit mounts it in for `docker run --gpus`).</summary>
    public const string Driver = "libcuda.so.1";

    /// <summary>The shared libraries ONNX Runtime's CUDA provider loads (CUDA 12, cuDNN 9).</summary>
    public static readonly string[] Cuda = ["libcudart.so.12", "libcublas.so.12", "libcublasLt.so.12", "libcufft.so.11", "libcurand.so.10", "libcudnn.so.9"];

    /// <summary>And TensorRT 10's, for the tensorrt provider (which hands unsupported nodes to CUDA).</summary>
    public static readonly string[] TensorRt = ["libnvinfer.so.10", "libnvinfer_plugin.so.10", "libnvonnxparser.so.10"];

    public static SessionOptions Create(NeuralOptions o, Func<string, bool>? canLoad = null)
    {
        canLoad ??= name => NativeLibrary.TryLoad(name, out _);
        string[] needed = o.ExecutionProvider switch { "cuda" => [Driver, .. Cuda], "tensorrt" => [Driver, .. Cuda, .. TensorRt], _ => [] };
        var missing = needed.Where(lib => !canLoad(lib)).ToArray();
        if (missing.Length > 0)
            throw new ModelRefusedException(
                $"ExecutionProvider '{o.ExecutionProvider}' needs libraries that cannot be loaded here: {string.Join(", ", missing)}. " +
                (missing.Contains(Driver) ? $"{Driver} comes from the NVIDIA driver: run the container with --gpus all (NVIDIA Container Toolkit), or install the NVIDIA driver on this machine. " : "") +
                "Run the GPU image (CUDA 12 + cuDNN 9) on a machine with an NVIDIA driver, or set Mirrorstage:Worker:Neural:ExecutionProvider=cpu.");

        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = o.IntraOpThreads };
        try
        {
            if (o.ExecutionProvider == "tensorrt") options.AppendExecutionProvider_Tensorrt(o.DeviceId);
            if (o.ExecutionProvider is "cuda" or "tensorrt") options.AppendExecutionProvider_CUDA(o.DeviceId);
            return options;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            options.Dispose();
            throw new ModelRefusedException(
                $"ExecutionProvider '{o.ExecutionProvider}' could not be enabled: {e.Message} " +
                "A worker built with the CPU flavour of ONNX Runtime has no GPU providers: build with -p:OnnxRuntimeFlavor=gpu (the GPU image does).", e);
        }
    }
}
