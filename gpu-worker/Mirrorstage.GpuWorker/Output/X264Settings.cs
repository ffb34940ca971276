namespace Mirrorstage.GpuWorker.Output;

/// <summary>The H.264 encode's cost knobs (Mirrorstage:Worker:EncoderPreset / EncoderThreads). The encode runs
/// on the CPU even on a GPU worker (H100/H200 have no video encoders), so these size the CPU: a faster preset
/// and one thread per session fit the most sessions per core.</summary>
public sealed record X264Settings(string Preset = "ultrafast", int Threads = 1)
{
    public static readonly X264Settings Default = new();

    public static readonly string[] Presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"];

    public bool IsValid => Presets.Contains(Preset) && Threads >= 0;

    /// <summary>ffmpeg's output options for libx264 (threads 0: x264 picks, about 1.5 per core).</summary>
    public string[] Arguments => ["-preset", Preset, "-threads:v", Threads.ToString()];
}
