using Mirrorstage.GpuWorker.Rendering.Neural;

namespace Mirrorstage.GpuWorker.Tests.Support;

/// <summary>Inference made artificially slow: each call waits before running the real model. For the degradation
/// tests and benchmark (bench/Mirrorstage.Bench.Worker compiles this file in), never the worker itself; it does
/// not own the model.</summary>
public sealed class SlowedModel(IMouthModel inner, TimeSpan perCall) : IMouthModel
{
    public int Size => inner.Size;
    public int MaxBatch => inner.MaxBatch;

    public void Run(int batch, ReadOnlySpan<float> mel, ReadOnlySpan<float> face, Span<float> output)
    {
        if (perCall > TimeSpan.Zero) Thread.Sleep(perCall);
        inner.Run(batch, mel, face, output);
    }

    public void Dispose() { }
}
