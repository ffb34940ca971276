using Mirrorstage.GpuWorker.Output;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The worker's end of a FIFO must never wait for ever on a child that is gone. Each blocking step runs
/// with a time limit, so a regression fails here instead of hanging the test run.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FifoTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_reader_waiting_for_a_writer_that_never_comes_is_released_and_reads_the_end()
    {
        var path = Fifo.Create("fifo-test", "events");
        try
        {
            var reader = Task.Run(() => new FileStream(path, FileMode.Open, FileAccess.Read));
            await Task.Delay(200);
            Assert.False(reader.IsCompleted); // the open waits for a writer

            Fifo.Release(path, FileAccess.Read);
            await using var stream = await reader.WaitAsync(Limit);
            Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Limit));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task A_writer_waiting_for_a_reader_that_never_comes_is_released()
    {
        var path = Fifo.Create("fifo-test", "pcm");
        try
        {
            var writer = Task.Run(() => new FileStream(path, FileMode.Open, FileAccess.Write));
            await Task.Delay(200);
            Assert.False(writer.IsCompleted);

            Fifo.Release(path, FileAccess.Write);
            await using var stream = await writer.WaitAsync(Limit);
            Assert.True(stream.CanWrite);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Releasing_when_nobody_waits_returns_at_once()
    {
        // The race this guards: the reader saw the end and finished just before the release. A blocking open for
        // writing would then wait for a reader that will never come.
        var path = Fifo.Create("fifo-test", "events");
        try
        {
            await Task.Run(() => Fifo.Release(path, FileAccess.Read)).WaitAsync(Limit);
            await Task.Run(() => Fifo.Release(path, FileAccess.Write)).WaitAsync(Limit);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_FIFO_is_made_in_the_temporary_folder_for_this_user_only()
    {
        var path = Fifo.Create("fifo-test", "pcm");
        try
        {
            Assert.StartsWith(Path.GetTempPath(), path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally { File.Delete(path); }
    }
}
