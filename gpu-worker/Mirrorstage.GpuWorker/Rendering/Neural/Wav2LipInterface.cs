namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>One input or output as the model declares it; -1 is a dimension left free (the batch, usually).</summary>
public sealed record TensorSignature(string Name, int[] Dimensions, Type ElementType)
{
    public override string ToString() => $"{Name} [{string.Join(",", Dimensions.Select(d => d < 0 ? "?" : d.ToString()))}]{(ElementType == typeof(float) ? "" : " " + ElementType.Name)}";
}

/// <summary>The Wav2Lip interface read from a model: which input is the mel window and which the face, the
/// face size S, and the largest batch the model takes.</summary>
public sealed record Wav2LipInterface(string MelInput, string FaceInput, string Output, int Size, int MaxBatch)
{
    public const string Expected = "inputs mel Bx1x80x16 and face Bx6xSxS (float) and output Bx3xSxS";

    /// <summary>Finds the interface in a model's inputs and outputs, or says why the model does not have it.</summary>
    public static Wav2LipInterface Read(string model, IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs)
    {
        var mel = inputs.FirstOrDefault(i => Fits(i, 1, 80, 16));
        var face = inputs.FirstOrDefault(i => i != mel && Fits(i, 6, -1, -1) && i.Dimensions[2] > 0 && i.Dimensions[2] == i.Dimensions[3]);
        var size = face?.Dimensions[2] ?? 0;
        // Exporters often leave the output's height and width free: the run checks them.
        var output = outputs.Count == 1 && Fits(outputs[0], 3, -1, -1) && outputs[0].Dimensions[2..].All(d => d == size || d < 0) ? outputs[0] : null;
        if (inputs.Count != 2 || mel is null || face is null || output is null)
            throw new ModelRefusedException(
                $"The model {model} does not have the Wav2Lip interface ({Expected}, with S fixed): it has inputs " +
                $"{string.Join(", ", inputs)} and outputs {string.Join(", ", outputs)}.");
        int[] batches = [mel.Dimensions[0], face.Dimensions[0], output.Dimensions[0]];
        var fixedBatches = batches.Where(b => b > 0).Distinct().ToArray();
        if (fixedBatches.Length > 1)
            throw new ModelRefusedException($"The model {model} fixes different batch sizes on its inputs and output ({string.Join(", ", batches)}).");
        return new Wav2LipInterface(mel.Name, face.Name, output.Name, size, fixedBatches.FirstOrDefault(int.MaxValue));
    }

    /// <summary>Rank 4, float, the given channel/height/width (-1: any), any batch.</summary>
    private static bool Fits(TensorSignature t, int channels, int height, int width) =>
        t.ElementType == typeof(float) && t.Dimensions.Length == 4 && t.Dimensions[1] == channels &&
        (height < 0 || t.Dimensions[2] == height) && (width < 0 || t.Dimensions[3] == width);
}

/// <summary>A model or an execution provider the worker cannot use; its message says what to change.</summary>
public sealed class ModelRefusedException(string message, Exception? inner = null) : Exception(message, inner);
