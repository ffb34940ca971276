namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>A lip-sync network with the Wav2Lip interface. Run takes a batch of mel windows (B x 80 x 16) and face
/// inputs (B x 6 x S x S: the target with its lower half blanked, then the reference; BGR, 0..1) and fills
/// B x 3 x S x S (BGR, 0..1). Thread-safe: sessions share one loaded model.</summary>
public interface IMouthModel : IDisposable
{
    int Size { get; }
    int MaxBatch { get; }
    void Run(int batch, ReadOnlySpan<float> mel, ReadOnlySpan<float> face, Span<float> output);
}
