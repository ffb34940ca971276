using Microsoft.Extensions.Options;
using System.Net.WebSockets;
using Mirrorstage.Events.Messaging;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>One claimed session from warm-up to its end: loads the face, opens the output, goes live and
/// renders at the frame rate until the store says it ended (DELETE, stop) or it expires.</summary>
public sealed class SessionRuntime(
    SessionStore sessions, IBlobStore blobs, Marten.IDocumentStore store, Streaming.LiveSessions live, IWarmQueue queue,
    SessionOutputs outputs, IOptions<WorkerOptions> options, TimeProvider clock, ILogger<SessionRuntime> log,
    Rendering.Neural.RenderEngines engines)
{
    /// <summary>Close code 1012 (service restart): the client should reconnect, the session goes on elsewhere.</summary>
    private const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    public async Task RunAsync(string id, CancellationToken ct)
    {
        using var scope = log.BeginScope(new Dictionary<string, object> { ["SessionId"] = id });
        var o = options.Value;
        var view = await sessions.ViewAsync(id, ct);
        if (view?.Reference is null) return;

        var part = clock.GetUtcNow().ToUnixTimeMilliseconds(); // one recording per worker that streams the session
        var recording = o.Record && view.OutputProtocol != "livekit" ? Path.Combine(o.RecordingFolder, $"{id}-{part}.mp4") : null;
        var (output, failure) = await outputs.OpenAsync(view, o, recording, ct);
        if (output is null)
        {
            await SessionFailures.FailAsync(store, id, failure!, clock.GetUtcNow(), ct);
            return;
        }
        var face = new FaceSwap(view.Reference.CropKey, key => LoadEngineAsync(key, o, ct));
        if (!await face.LoadFirstAsync())
        {
            outputs.Closed(id);
            await output.DisposeAsync();
            await SessionFailures.FailAsync(store, id, "reference_image_missing", clock.GetUtcNow(), ct);
            return;
        }
        using var _ = face;
        var session = new Streaming.LiveSession(id, view.TokenHash, o.MaxBufferedAudioSeconds * FfmpegOutput.SampleRate);
        if (output is LiveKitOutput { PublishOnBehalf: not null } room)
            room.Attach(new AvatarPlayback(session.Timeline, session.NextUtteranceNumber, room.PlaybackFinishedAsync));
        live.Add(session);
        try
        {
            await sessions.ActivateAsync(id, o.WorkerId, ct);
            log.LogInformation("Session {SessionId} live on {Protocol}", id, view.OutputProtocol);
            string reason;
            try
            {
                reason = await StreamAsync(session, face, output, o, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reason = FrameLoop.WorkerStopping;
            }
            log.LogInformation("Session {SessionId} stopped: {Reason}", id, reason);
            if (reason == FrameLoop.WorkerStopping) await HandOverAsync(session, o);
            else session.SendFinal(new { type = "session_ended", reason }, WebSocketCloseStatus.NormalClosure, "session_ended");
        }
        finally
        {
            live.Remove(id);
            outputs.Closed(id);
            await session.Ended.CancelAsync();
            await output.DisposeAsync(); // ffmpeg finishes its files before the recording is kept
        }
        if (recording is not null) await KeepRecordingAsync(id, recording, $"recordings/{id}/{part}.mp4", o);
    }

    /// <summary>This worker is shutting down (a deploy, a scale-in) with the session still paid for: it records the
    /// interruption now and queues the session for another worker, instead of leaving it to a lapsed lease, and
    /// tells the client to reconnect. The downtime is added back to the expiry on resume, as after a crash.</summary>
    private async Task HandOverAsync(Streaming.LiveSession session, WorkerOptions o)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var now = clock.GetUtcNow();
            if ((await sessions.InterruptAsync(session.Id, o.WorkerId, now, timeout.Token)).Length > 0)
                await queue.SendAsync(new WarmSession(session.Id, now), timeout.Token);
        }
        catch (Exception e)
        {
            // The lease lapses soon anyway, and the other workers' reapers take over from there.
            log.LogWarning(e, "Session {SessionId}: hand-over at shutdown failed; the lease will lapse instead", session.Id);
        }
        session.SendFinal(new { type = "error", code = "worker_restarting", message = "This worker is shutting down; the session continues on another. Reconnect to websocket_url." },
            ServiceRestart, "worker_restarting");
    }

    /// <summary>Moves a finished recording to the blob store and records where it is. A failure is logged and
    /// the file left in place for the operator: the session itself is over either way.</summary>
    private async Task KeepRecordingAsync(string id, string path, string key, WorkerOptions o)
    {
        try
        {
            if (!File.Exists(path)) throw new FileNotFoundException("ffmpeg wrote no recording", path);
            var bytes = new FileInfo(path).Length;
            await blobs.PutFileAsync(key, path, "video/mp4", CancellationToken.None);
            await sessions.RecordingStoredAsync(id, key, bytes, o.WorkerId, CancellationToken.None);
            File.Delete(path);
            log.LogInformation("Session {SessionId}: recording kept as {Key} ({Bytes} bytes)", id, key, bytes);
        }
        catch (Exception e)
        {
            log.LogError(e, "Session {SessionId}: the recording at {Path} could not be kept", id, path);
        }
    }

    private async Task<string> StreamAsync(Streaming.LiveSession session, FaceSwap face, IFrameOutput output, WorkerOptions o, CancellationToken ct)
    {
        var id = session.Id;
        var reconcileEvery = Math.Max(1, (int)(o.ReconcileSeconds * o.FramesPerSecond));
        var warned = false;
        var loop = new FrameLoop(session.Timeline, face, output, o.Width, o.Height, o.FramesPerSecond) { AudioDelayFrames = engines.DelayFrames };
        var reason = await loop.RunAsync(async (n, finished) =>
        {
            foreach (var (utterance, endSample) in finished)
            {
                session.Send(new { type = "chunk_done", utterance, position_seconds = Math.Round(endSample / (double)FfmpegOutput.SampleRate, 3), frame = n });
                (output as LiveKitOutput)?.Avatar?.Finished(utterance);
            }
            switch (face.TrySwap())
            {
                case FaceSwap.Outcome.Swapped:
                    session.Send(new { type = "reference_changed", frame = n + 1 });
                    session.Nudge(); // a later change may be waiting in the store
                    break;
                case FaceSwap.Outcome.Unavailable:
                    session.Send(new { type = "error", code = "reference_unavailable", message = "The new face could not be loaded; the face stays as it is." });
                    break;
            }
            if (n % reconcileEvery != 0 && !session.TakeNudge()) return null;

            var view = await sessions.ViewAsync(id, ct);
            if (view is null || view.Status is SessionStatus.Ended or SessionStatus.Failed) return view?.EndReason ?? "ended";
            if (view.Reference is { } reference) face.Want(reference.CropKey);
            var left = view.RemainingSecondsAt(clock.GetUtcNow());
            if (!warned && left <= o.WarningSeconds)
            {
                warned = true;
                session.Send(new { type = "time_warning", remaining_seconds = left });
            }
            // An extension recorded before this decision moves the expiry on: the decider then ends nothing (or
            // loses the race to it), and rendering goes on until the store says otherwise.
            if (view.ExpiresAt <= clock.GetUtcNow() && (await sessions.ExpireAsync(id, ct)).Length > 0)
                return "expired";
            return null;
        }, ct);

        if (reason == "output_failed")
        {
            log.LogError("Output for {SessionId} failed: {Errors}", id, output.Errors);
            if (output.FailureReason is { } failure)
            {
                await SessionFailures.FailAsync(store, id, failure, clock.GetUtcNow(), ct);
                return failure;
            }
            await sessions.EndAsync(id, "output_failed", ct);
        }
        return reason;
    }

    /// <summary>A render engine for a stored face crop and its landmarks; null when either is gone.</summary>
    private async Task<IRenderEngine?> LoadEngineAsync(string cropKey, WorkerOptions o, CancellationToken ct)
    {
        var face = await Imaging.ReferenceImages.LoadAsync(blobs, cropKey, ct);
        if (face is null) return null;
        using var reference = Cv2.ImDecode(face.CropPng, ImreadModes.Color);
        return reference.Empty() ? null : engines.Create(reference, face.Landmarks);
    }
}
