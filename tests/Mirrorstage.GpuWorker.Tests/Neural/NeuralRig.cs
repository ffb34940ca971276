using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Rendering.Neural;
using Mirrorstage.GpuWorker.Tests.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests.Neural;

/// <summary>The fixture face (the gateway's crop and landmarks) with a generated model, as a session builds it.</summary>
internal static class NeuralRig
{
    public const int Width = 512, Height = 512, Fps = 25, PerFrame = 16000 / Fps;

    public static Mat Crop() => Cv2.ImDecode(FixtureFace.Image.CropPng, ImreadModes.Color);

    public static ProceduralEngine Procedural(Mat crop) => new(crop, FixtureFace.Image.Landmarks, Width, Height);

    public static Wav2LipEngine Engine(Mat crop, IMouthModel model, NeuralOptions o, NeuralMetrics metrics, ILogger? log = null, bool waitForModel = false) =>
        new(model, new LandmarkAligner(FixtureFace.Image.Landmarks), () => Procedural(crop), o, Width, Height, Fps, metrics, log ?? NullLogger.Instance)
        {
            WaitForModel = waitForModel,
        };

    public static short[] Speech()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("audio", "welcome_16k.pcm"));
        var pcm = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, pcm, 0, pcm.Length * 2);
        return pcm;
    }

    public static void Dump(Mat frame, string name)
    {
        if (Environment.GetEnvironmentVariable("MIRRORSTAGE_DUMP_FRAMES") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            frame.ImWrite(Path.Combine(dir, name + ".png"));
        }
    }
}

/// <summary>Keeps what was logged, to show it when a test fails.</summary>
internal sealed class ListLogger : ILogger
{
    public List<string> Lines { get; } = [];
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel level) => true;
    public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format)
    {
        lock (Lines) Lines.Add($"{level}: {format(state, e)} {e}");
    }
}
