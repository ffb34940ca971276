using System.Runtime.InteropServices;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>Named pipes between the worker and a child process (ffmpeg's audio input, the LiveKit publisher's
/// events). Opening one end blocks until the other end is opened, so a child that dies before opening its end
/// leaves the worker's open waiting for ever. The worker opens its end on a thread of its own, and once the child
/// is gone <see cref="Release"/> opens the other end without blocking, which lets that open return.</summary>
public static class Fifo
{
    private const int ReadOnly = 0, WriteOnly = 1, NonBlocking = 0x800; // O_RDONLY, O_WRONLY, O_NONBLOCK (Linux)

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc")]
    private static extern int close(int fd);

    /// <summary>A new FIFO in the temporary folder, readable and writable by this user only.</summary>
    public static string Create(string prefix, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.{extension}");
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0)
            throw new IOException($"mkfifo {path} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return path;
    }

    /// <summary>Lets a blocked open of <paramref name="waiting"/>'s end return, by opening the other end without
    /// blocking and closing it again: a waiting reader then reads end-of-file, a waiting writer gets a broken pipe.
    /// Does nothing when nobody waits (a writer's non-blocking open finds no reader and fails; a reader's succeeds
    /// and is closed at once).</summary>
    public static void Release(string path, FileAccess waiting)
    {
        var fd = open(path, (waiting == FileAccess.Read ? WriteOnly : ReadOnly) | NonBlocking);
        if (fd >= 0) close(fd);
    }
}
