namespace Mirrorstage.GpuWorker.Tests.Neural;

/// <summary>The neural tests keep both cores busy (ONNX Runtime, paste-back, ffmpeg): they run on their own,
/// after the others, so they do not starve the timing-sensitive streaming tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NeuralCollection
{
    public const string Name = "neural";
}
