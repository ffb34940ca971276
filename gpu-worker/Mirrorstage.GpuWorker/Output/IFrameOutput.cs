namespace Mirrorstage.GpuWorker.Output;

/// <summary>Where the frame clock sends each frame (as <see cref="I420Frame"/> bytes) and the audio under it:
/// ffmpeg (RTMP, the preview) or a LiveKit room. WriteAsync throws IOException once the output is gone.</summary>
public interface IFrameOutput : IAsyncDisposable
{
    Task WriteAsync(ReadOnlyMemory<byte> frameI420, ReadOnlyMemory<byte> pcm, CancellationToken ct);

    /// <summary>What went wrong, for the log.</summary>
    string Errors { get; }

    /// <summary>When the output failed for a reason the session should fail with (rather than end), that reason.</summary>
    string? FailureReason { get; }
}
