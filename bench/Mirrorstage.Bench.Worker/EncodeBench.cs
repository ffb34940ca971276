using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using OpenCvSharp;

namespace Mirrorstage.Bench.Worker;

/// <summary>`Mirrorstage.Bench.Worker encode [face.png]`: the CPU cost of one session's encode (libx264 + AAC, the
/// worker's own ffmpeg command) per x264 preset with one thread, on 512x512 frames of the talking fixture face,
/// and the real-time sessions per core that leaves (a 25 fps session has 40 ms of CPU per frame per core).</summary>
public static class EncodeBench
{
    private const int Width = 512, Height = 512, Fps = 25, Frames = 250;

    public static async Task<int> RunAsync(string[] args)
    {
        RenderThreads.OnePerSession(); // as the worker does
        var imaging = Microsoft.Extensions.Options.Options.Create(new Mirrorstage.Imaging.ImageOptions());
        var face = new Mirrorstage.Imaging.ReferenceImageProcessor(imaging, new Mirrorstage.Imaging.FaceDetector(imaging), new Mirrorstage.Imaging.Landmarks.LandmarkDetector(imaging))
            .Process(File.ReadAllBytes(args.ElementAtOrDefault(0) ?? Fixture("faces", "astronaut.png")));
        using var reference = Cv2.ImDecode(face.CropPng, ImreadModes.Color);
        var speech = File.ReadAllBytes(Fixture("audio", "welcome_16k.pcm"));
        var (video, audio) = Render(reference, face.Landmarks, speech);
        Console.WriteLine($"encode bench: {Environment.ProcessorCount} cores, {Width}x{Height} @ {Fps} fps, {Frames} frames of the talking fixture face, libx264 (1 thread) + AAC to /dev/null");
        foreach (var preset in new[] { "ultrafast", "superfast", "veryfast", "faster" })
        {
            var before = ChildCpu();
            await using (var output = FfmpegOutput.Start("ffmpeg", Width, Height, Fps, "rtmp", "/dev/null", x264: new X264Settings(preset, 1)))
                for (var i = 0; i < Frames; i++) await output.WriteAsync(video[i], audio[i], default);
            var perFrame = (ChildCpu() - before).TotalMilliseconds / Frames;
            Console.WriteLine($"  {preset,-9}: {perFrame:F2} ms CPU per frame -> {1000.0 / Fps / perFrame:F1} real-time encodes per core");
        }
        return 0;
    }

    private static (byte[][] Video, byte[][] Audio) Render(Mat reference, Mirrorstage.Imaging.Landmarks.FaceLandmarks landmarks, byte[] speech)
    {
        using var engine = new ProceduralEngine(reference, landmarks, Width, Height);
        using var frame = new Mat(Height, Width, MatType.CV_8UC3);
        using var i420 = new I420Frame(Width, Height);
        var mouth = new MouthDrive();
        var perFrame = 16000 / Fps;
        var video = new byte[Frames][];
        var audio = new byte[Frames][];
        var samples = new short[perFrame];
        for (var n = 0; n < Frames; n++)
        {
            var offset = n * perFrame * 2 % (speech.Length - perFrame * 2);
            Buffer.BlockCopy(speech, offset, samples, 0, perFrame * 2);
            engine.Render(mouth.Next(samples, perFrame, Mirrorstage.GpuWorker.Sessions.IdleMotion.At(n, Fps)), frame);
            video[n] = i420.From(frame).ToArray();
            audio[n] = speech[offset..(offset + perFrame * 2)];
        }
        return (video, audio);
    }

    /// <summary>CPU time of reaped child processes (ffmpeg), from /proc/self/stat (cutime + cstime).</summary>
    private static TimeSpan ChildCpu()
    {
        var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return TimeSpan.FromSeconds((long.Parse(fields[13]) + long.Parse(fields[14])) / 100.0);
    }

    private static string Fixture(string kind, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures"))) dir = dir.Parent;
        return dir is null ? name : Path.Combine(dir.FullName, "shared", "fixtures", kind, name);
    }
}
