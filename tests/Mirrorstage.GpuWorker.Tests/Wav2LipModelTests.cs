using Mirrorstage.GpuWorker.Rendering.Neural;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>Loading an operator's model through ONNX Runtime (CPU): its interface is read from the file, a
/// model of another shape is refused with its shapes, and a GPU provider that cannot run is never replaced by
/// the CPU in silence.</summary>
[Collection(Neural.NeuralCollection.Name)]
public class Wav2LipModelTests
{
    private static NeuralOptions Options(string path, string provider = "cpu") => new() { ModelPath = path, ExecutionProvider = provider };

    [Theory]
    [InlineData(96)]
    [InlineData(256)]
    public void A_generated_model_loads_with_its_size_and_names_read_from_the_file_and_hears_the_audio(int size)
    {
        using var model = Wav2LipModel.Load(Options(TestModels.Path(size)));
        Assert.Equal(new Wav2LipInterface("audio_sequences", "face_sequences", "generated", size, int.MaxValue), model.Interface);

        var face = new float[2 * 6 * size * size];
        for (var i = 0; i < face.Length; i++) face[i] = i % 7 / 7f;
        var mel = new float[2 * 80 * 16];
        for (var i = 0; i < 80 * 16; i++) { mel[i] = -4; mel[80 * 16 + i] = (i % 16) / 2f - 4; } // silence, then sound
        var output = new float[2 * 3 * size * size];
        model.Run(2, mel, face, output);

        Assert.All(output, v => Assert.InRange(v, 0f, 1f));
        var plane = 3 * size * size;
        var changed = Enumerable.Range(0, plane).Count(i => Math.Abs(output[i] - output[plane + i]) > 1e-3);
        Assert.True(changed > plane / 4, $"the audio changed {changed} of {plane} output values");
    }

    [Fact]
    public void The_generator_writes_the_same_model_bytes_every_time_and_other_bytes_for_another_seed()
    {
        var folder = Directory.CreateTempSubdirectory("mirrorstage-determinism-").FullName;
        string Written(string name, params string[] extra)
        {
            var path = Path.Combine(folder, name);
            TestModels.Generate(path, 96, extra);
            return path;
        }
        var first = File.ReadAllBytes(Written("a.onnx"));
        Assert.Equal(first, File.ReadAllBytes(Written("b.onnx")));
        Assert.NotEqual(first, File.ReadAllBytes(Written("c.onnx", "--seed", "15"))); // the comparison sees the weights
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("--mel-steps", "20", "audio_sequences [?,1,80,20]")]
    [InlineData("--face-channels", "3", "face_sequences [?,3,96,96]")]
    public void A_model_of_another_shape_is_refused_with_the_shapes_it_has(string option, string value, string named)
    {
        var path = TestModels.Path(96, option, value);
        var refused = Assert.Throws<ModelRefusedException>(() => Wav2LipModel.Load(Options(path)));
        Assert.Contains("does not have the Wav2Lip interface", refused.Message);
        Assert.Contains(Wav2LipInterface.Expected, refused.Message);
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public void Different_fixed_batches_on_inputs_and_output_are_refused()
    {
        TensorSignature T(string name, params int[] dims) => new(name, dims, typeof(float));
        var ok = Wav2LipInterface.Read("m", [T("mel", 4, 1, 80, 16), T("face", -1, 6, 128, 128)], [T("out", 4, 3, 128, 128)]);
        Assert.Equal(new Wav2LipInterface("mel", "face", "out", 128, 4), ok);
        Assert.Throws<ModelRefusedException>(() => Wav2LipInterface.Read("m", [T("mel", 4, 1, 80, 16), T("face", 1, 6, 128, 128)], [T("out", -1, 3, 128, 128)]));
    }

    [Theory]
    [InlineData("cuda", "libcuda.so.1, libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcufft.so.11, libcurand.so.10, libcudnn.so.9.")]
    [InlineData("tensorrt", "libcuda.so.1, libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcufft.so.11, libcurand.so.10, libcudnn.so.9, libnvinfer.so.10, libnvinfer_plugin.so.10, libnvonnxparser.so.10.")]
    public void Asking_for_a_gpu_provider_without_its_libraries_fails_naming_them(string provider, string named)
    {
        var refused = Assert.Throws<ModelRefusedException>(() => ExecutionProviders.Create(Options("m", provider), canLoad: _ => false));
        Assert.Contains($"'{provider}' needs libraries that cannot be loaded here: {named}", refused.Message);
        Assert.Contains("--gpus", refused.Message);
    }

    [Fact]
    public void Only_the_libraries_that_cannot_be_loaded_are_named()
    {
        var refused = Assert.Throws<ModelRefusedException>(() => ExecutionProviders.Create(Options("m", "cuda"), canLoad: lib => lib != "libcudnn.so.9"));
        Assert.Contains("cannot be loaded here: libcudnn.so.9.", refused.Message);
        Assert.DoesNotContain("--gpus", refused.Message); // the driver is there: no driver hint
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("tensorrt")]
    public void A_missing_nvidia_driver_is_named_with_how_to_give_the_container_one(string provider)
    {
        var refused = Assert.Throws<ModelRefusedException>(() => ExecutionProviders.Create(Options("m", provider), canLoad: lib => lib != "libcuda.so.1"));
        Assert.Contains("cannot be loaded here: libcuda.so.1.", refused.Message);
        Assert.Contains("libcuda.so.1 comes from the NVIDIA driver: run the container with --gpus all", refused.Message);
        Assert.Contains("install the NVIDIA driver", refused.Message);
    }

    /// <summary>The real loader on this machine. Where the driver loads (a GPU host) the check passes it and start-up
    /// fails, if at all, for another reason; where it does not (this CPU-only machine) start-up names it.</summary>
    [Fact]
    public void With_the_real_loader_cuda_start_up_names_the_driver_exactly_when_it_cannot_be_loaded()
    {
        var driverLoads = System.Runtime.InteropServices.NativeLibrary.TryLoad("libcuda.so.1", out var handle);
        if (driverLoads) System.Runtime.InteropServices.NativeLibrary.Free(handle);
        ModelRefusedException? refused = null;
        try
        {
            ExecutionProviders.Create(Options("m", "cuda")).Dispose();
        }
        catch (ModelRefusedException e)
        {
            refused = e;
        }
        if (driverLoads) Assert.DoesNotContain("libcuda.so.1", refused?.Message ?? ""); // passed, or refused for another reason (the CPU build)
        else Assert.Contains("cannot be loaded here: libcuda.so.1", Assert.IsType<ModelRefusedException>(refused).Message);
    }

    [Fact]
    public void With_the_libraries_present_the_cpu_build_still_refuses_cuda_instead_of_running_on_the_cpu()
    {
        var refused = Assert.Throws<ModelRefusedException>(() => ExecutionProviders.Create(Options("m", "cuda"), canLoad: _ => true));
        Assert.Contains("OnnxRuntimeFlavor=gpu", refused.Message);
    }

    private static NeuralRuntime Runtime(string engine, NeuralOptions neural) =>
        new(Microsoft.Extensions.Options.Options.Create(new WorkerOptions { Engine = engine }), Microsoft.Extensions.Options.Options.Create(neural),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<NeuralRuntime>.Instance);

    [Fact]
    public async Task The_worker_does_not_start_with_a_model_of_another_shape_and_says_why()
    {
        using var wrong = Runtime("wav2lip-onnx", Options(TestModels.Path(96, "--mel-steps", "20")));
        var refused = await Assert.ThrowsAsync<ModelRefusedException>(() => wrong.StartAsync(default));
        Assert.Contains("does not have the Wav2Lip interface", refused.Message);

        using var right = Runtime("wav2lip-onnx", Options(TestModels.Path(96)));
        await right.StartAsync(default);
        Assert.Equal(96, right.Model.Size);
    }

    [Theory]
    [InlineData("wav2lip", null, "Engine must be procedural or wav2lip-onnx")]
    [InlineData("wav2lip-onnx", null, "ModelPath is not set")]
    [InlineData("wav2lip-onnx", "rocm", "ExecutionProvider must be cpu, cuda or tensorrt")]
    public async Task Settings_the_engine_cannot_use_stop_the_start(string engine, string? provider, string message)
    {
        using var runtime = Runtime(engine, new NeuralOptions { ExecutionProvider = provider ?? "cpu", ModelPath = provider is null ? null : "m.onnx" });
        var refused = await Assert.ThrowsAsync<ModelRefusedException>(() => runtime.StartAsync(default));
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public async Task The_procedural_engine_loads_no_model()
    {
        using var runtime = Runtime("procedural", new NeuralOptions { ModelPath = "/nonexistent.onnx" });
        await runtime.StartAsync(default);
        Assert.Throws<InvalidOperationException>(() => runtime.Model);
    }
}
