namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>Inference made artificially slow: each call waits before running the real model. For the
/// degradation benchmark and tests; it does not own the model.</summary>
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
