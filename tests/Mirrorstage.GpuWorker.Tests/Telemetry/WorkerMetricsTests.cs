using Mirrorstage.GpuWorker.Rendering.Neural;

namespace Mirrorstage.GpuWorker.Tests.Telemetry;

/// <summary>The worker's metrics as the production telemetry setup exports them. The instruments are static:
/// alone, so no other test's frames are counted.</summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public class WorkerMetricsTests
{
    private const string Name = "worker metrics";

    [Fact]
    public void The_neural_engines_frame_counts_are_exported()
    {
        using var exported = new ExportedMetrics();
        using var neural = new NeuralMetrics();
        neural.Model();

        var frames = Assert.Contains("mirrorstage.worker.neural.frames", exported.Collect());
        Assert.Contains(frames, p => Equals(p.Tags.GetValueOrDefault("path"), "model") && p.Value >= 1);
    }
}
