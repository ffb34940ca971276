using Microsoft.ML.OnnxRuntime;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>An operator's ONNX model, loaded once per worker. Its interface (names, S, batch) is read from the
/// file; a model of another shape is refused with the shapes it has.</summary>
public sealed class Wav2LipModel : IMouthModel
{
    private readonly InferenceSession _session;
    private readonly Wav2LipInterface _io;

    private Wav2LipModel(InferenceSession session, Wav2LipInterface io, int maxBatch)
    {
        _session = session;
        _io = io;
        MaxBatch = Math.Min(maxBatch, io.MaxBatch);
    }

    public int Size => _io.Size;
    public int MaxBatch { get; }
    public Wav2LipInterface Interface => _io;

    public static Wav2LipModel Load(NeuralOptions o)
    {
        var path = o.ModelPath ?? throw new ModelRefusedException("Mirrorstage:Worker:Neural:ModelPath is not set.");
        if (!File.Exists(path)) throw new ModelRefusedException($"The model file {path} does not exist.");
        using var options = ExecutionProviders.Create(o);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelRefusedException($"The model {path} could not be loaded by ONNX Runtime: {e.Message}", e);
        }
        try
        {
            var io = Wav2LipInterface.Read(path, Signatures(session.InputMetadata), Signatures(session.OutputMetadata));
            return new Wav2LipModel(session, io, o.MaxBatch);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static List<TensorSignature> Signatures(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Select(n => new TensorSignature(n.Key, n.Value.IsTensor ? n.Value.Dimensions : [], n.Value.IsTensor ? n.Value.ElementType : typeof(object))).ToList();

    public void Run(int batch, ReadOnlySpan<float> mel, ReadOnlySpan<float> face, Span<float> output)
    {
        var s = _io.Size;
        using var melValue = OrtValue.CreateTensorValueFromMemory(mel[..(batch * 80 * 16)].ToArray(), [batch, 1, 80, 16]);
        using var faceValue = OrtValue.CreateTensorValueFromMemory(face[..(batch * 6 * s * s)].ToArray(), [batch, 6, s, s]);
        using var run = new RunOptions();
        using var results = _session.Run(run, [_io.MelInput, _io.FaceInput], [melValue, faceValue], [_io.Output]);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape is not [var b, 3, var h, var w] || b != batch || h != s || w != s)
            throw new InvalidOperationException($"The model returned [{string.Join(",", shape)}], not [{batch},3,{s},{s}].");
        results[0].GetTensorDataAsSpan<float>().CopyTo(output);
    }

    public void Dispose() => _session.Dispose();
}
