using Microsoft.Extensions.Options;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>Loads the operator's model when the worker starts (only with Engine = wav2lip-onnx), so a missing
/// file, a model of the wrong shape or an execution provider that cannot run stops the worker at once with the
/// reason, instead of failing the first paid session. Sessions share the one loaded model.</summary>
public sealed class NeuralRuntime(IOptions<WorkerOptions> worker, IOptions<NeuralOptions> neural, ILogger<NeuralRuntime> log) : IHostedService, IDisposable
{
    private IMouthModel? _model;

    public IMouthModel Model => _model ?? throw new InvalidOperationException("The wav2lip-onnx model is not loaded (Engine is not wav2lip-onnx, or start-up failed).");

    public Task StartAsync(CancellationToken ct)
    {
        if (worker.Value.Engine == RenderEngines.Procedural) return Task.CompletedTask;
        if (worker.Value.Engine != RenderEngines.Wav2LipOnnx)
            throw new ModelRefusedException($"Mirrorstage:Worker:Engine must be {RenderEngines.Procedural} or {RenderEngines.Wav2LipOnnx}, not '{worker.Value.Engine}'.");
        var o = neural.Value;
        if (o.Problem() is { } problem) throw new ModelRefusedException($"{NeuralOptions.Section}: {problem}.");
        var model = Wav2LipModel.Load(o);
        _model = model;
        log.LogInformation("wav2lip-onnx: {Path} loaded on {Provider}: face {Size}x{Size}, inputs {Mel} and {Face}, output {Output}, batches up to {Batch}",
            o.ModelPath, o.ExecutionProvider, model.Size, model.Size, model.Interface.MelInput, model.Interface.FaceInput, model.Interface.Output, model.MaxBatch);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public void Dispose() => _model?.Dispose();
}
