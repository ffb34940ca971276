using Mirrorstage.Events.Sessions;
using Mirrorstage.Infrastructure.Storage;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>Opens a session's output: a LiveKit room through the publisher, or ffmpeg (RTMP or the HLS preview)
/// with the low-latency preview feed beside it. A failure comes back as the reason the session fails with.</summary>
public sealed class SessionOutputs(LiveKitWorkerOptions liveKit, IBlobStore blobs, PreviewFeeds feeds,
    Microsoft.Extensions.Options.IOptions<Infrastructure.Outputs.OutputHostOptions> outputHosts, TimeProvider clock, ILogger<SessionOutputs> log)
{
    public async Task<(IFrameOutput? Output, string? Failure)> OpenAsync(SessionView view, WorkerOptions o, string? recording, CancellationToken ct)
    {
        if (view.OutputProtocol == "livekit")
        {
            var (target, refused) = await LiveKitTarget.ResolveAsync(view, liveKit, outputHosts.Value, blobs, clock.GetUtcNow(), ct);
            if (target is null)
            {
                log.LogWarning("Session {SessionId}: no LiveKit room to publish into ({Code})", view.Id, refused);
                return (null, refused);
            }
            var (output, failure, detail) = await LiveKitOutput.StartAsync(target, liveKit, o.Width, o.Height, o.FramesPerSecond, ct);
            if (output is null) log.LogWarning("Session {SessionId}: joining LiveKit at {Url} failed: {Detail}", view.Id, target.Url, detail);
            else log.LogInformation("Session {SessionId}: publishing into LiveKit as {Identity} (on behalf of {Agent})", view.Id, output.Identity, output.PublishOnBehalf ?? "nobody");
            return (output, failure);
        }
        // The output URL is checked again here, at every start and resume, and ffmpeg connects to the address checked.
        ConnectTarget destination;
        try
        {
            destination = view.OutputProtocol == "hls"
                ? ConnectTarget.Local(Path.Combine(o.PreviewFolder, view.Id))
                : await OutputConnection.ResolveAsync(view.OutputUrl!, outputHosts.Value, ct);
        }
        catch (Infrastructure.Outputs.OutputHostRefused e)
        {
            log.LogWarning("Session {SessionId}: output refused at connect time ({Code})", view.Id, e.Code);
            return (null, e.Code);
        }
        var preview = new PreviewFeed(o.FramesPerSecond);
        feeds.Add(view.Id, preview);
        return (FfmpegOutput.Start(o.FfmpegPath, o.Width, o.Height, o.FramesPerSecond, view.OutputProtocol, destination.Url, recording,
            destination.Options, new(o.EncoderPreset, o.EncoderThreads), preview), null);
    }

    public void Closed(string sessionId) => feeds.Remove(sessionId);
}
