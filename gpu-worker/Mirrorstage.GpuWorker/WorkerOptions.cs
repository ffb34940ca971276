namespace Mirrorstage.GpuWorker;

/// <summary>Worker settings, bound from "Mirrorstage:Worker".</summary>
public sealed class WorkerOptions
{
    public const string Section = "Mirrorstage:Worker";

    /// <summary>This replica's name in claims and leases. Default: host name + process id.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Sessions rendered at once; a warm request is taken only while a slot is free.</summary>
    public int RenderSlots { get; set; } = 4;

    public int Width { get; set; } = 512;
    public int Height { get; set; } = 512;
    public int FramesPerSecond { get; set; } = 25;

    /// <summary>How often a live session re-reads its state (ends, extensions) from the store.</summary>
    public double ReconcileSeconds { get; set; } = 1;

    /// <summary>Where the local HLS preview is written (one folder per session).</summary>
    public string PreviewFolder { get; set; } = "data/preview";

    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Audio a session may have queued ahead of playback; more is refused with an error.</summary>
    public int MaxBufferedAudioSeconds { get; set; } = 120;

    /// <summary>How long this worker's lease lasts without renewal; it is renewed every third of that. A live
    /// session whose worker's lease lapsed is interrupted and resumed by another worker.</summary>
    public double LeaseSeconds { get; set; } = 6;

    /// <summary>Whether this worker interrupts and re-queues sessions of lost workers (and unclaimed ones).</summary>
    public bool ReapOrphans { get; set; } = true;

    /// <summary>A warming session nobody claimed for this long (its warm request was lost, or the gateway could
    /// not queue it) is queued again by a reaping worker, at most once a minute.</summary>
    public double UnclaimedRequeueSeconds { get; set; } = 30;

    /// <summary>A warming session still unclaimed after this long is given up: it fails with
    /// "no_worker_available" and everything paid goes back to the wallet as credit. Nobody is waiting for a
    /// session that has not started in ten minutes, and it must not start by surprise hours later.</summary>
    public double AbandonUnclaimedSeconds { get; set; } = 600;

    /// <summary>A live session whose worker was lost is re-queued (again each minute) for this long; if no
    /// worker resumes it in that time it ends as "worker_lost" and the paid share of the time it had left goes
    /// back to the wallet as credit.</summary>
    public double ResumeWithinSeconds { get; set; } = 600;

    /// <summary>Where other replicas reach this worker's sockets (kept in its lease). "auto": this host's own
    /// network address and listening port (a Container Apps replica's, say).</summary>
    public string? InternalUrl { get; set; }

    /// <summary>Keep an MP4 recording of every session (H.264 + AAC, the same encode as the live output). It is
    /// written under RecordingFolder while the session runs and moved to the blob store as
    /// recordings/{session}/{start}.mp4 when it ends (`RecordingStored`).</summary>
    public bool Record { get; set; }

    public string RecordingFolder { get; set; } = "data/recordings";

    /// <summary>A time_warning goes to the client when this much time is left.</summary>
    public int WarningSeconds { get; set; } = 60;
}
