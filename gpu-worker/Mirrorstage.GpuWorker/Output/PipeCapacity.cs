using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>A Linux pipe holds 64 KiB by default, so a 512x512 frame (384 KiB of I420) crosses to the encoder in
/// six writes, each a wake-up of both processes. Grown to hold two frames (up to the system's
/// /proc/sys/fs/pipe-max-size), a frame crosses in one. Best effort: elsewhere, or refused, the pipe stays as it is.</summary>
public static class PipeCapacity
{
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int cmd, int arg);

    /// <summary>The pipe's new capacity in bytes, or 0 where it was left alone.</summary>
    public static int TryGrow(Stream stream, int frameBytes)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return 0;
        var wanted = Math.Min(2 * frameBytes, Limit());
        var granted = fcntl((int)pipe.SafePipeHandle.DangerousGetHandle(), SetPipeSize, wanted);
        return Math.Max(granted, 0);
    }

    private static int Limit()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/fs/pipe-max-size").Trim()); }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return 1 << 20; }
    }
}
