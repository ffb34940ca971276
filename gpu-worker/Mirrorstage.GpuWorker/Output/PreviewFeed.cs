using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>The low-latency preview of one session: ffmpeg's fragmented MP4 (the same H.264 + AAC as the live
/// output), cut into its init segment and its fragments and sent to every watching socket. A socket that joins
/// late gets the init segment and then live fragments (Media Source Extensions wait for the next keyframe).
/// With each fragment go the worker's wall-clock render times of the frames written since the last one, so a
/// player can measure render -> presentation delay (frame n has media time n / fps).</summary>
public sealed class PreviewFeed(int fps)
{
    public const int FragmentMicroseconds = 40_000;
    private readonly ConcurrentDictionary<Channel<PreviewMessage>, byte> _watchers = new();
    private readonly List<long> _renderedMs = [];
    private long _nextFrame;
    private long _reportedFrames;
    private byte[]? _init;
    private string _mime = "video/mp4";

    public int Fps => fps;
    public int Watchers => _watchers.Count;

    /// <summary>A frame was rendered and handed to the encoder now.</summary>
    public void Rendered(DateTimeOffset at)
    {
        lock (_renderedMs) { _renderedMs.Add(at.ToUnixTimeMilliseconds()); _nextFrame++; }
    }

    /// <summary>A new watcher: the init message and segment (once known), then every fragment. Bounded: a watcher
    /// that falls 10 s behind is dropped (its channel completes), since a gap would break its decoder.</summary>
    public ChannelReader<PreviewMessage> Watch()
    {
        var channel = Channel.CreateBounded<PreviewMessage>(new BoundedChannelOptions(600) { SingleReader = true });
        lock (_watchers)
        {
            if (_init is not null) SendInit(channel);
            _watchers[channel] = 0;
        }
        return channel.Reader;
    }

    public void Unwatch(ChannelReader<PreviewMessage> reader)
    {
        foreach (var c in _watchers.Keys.Where(c => c.Reader == reader)) _watchers.TryRemove(c, out _);
    }

    /// <summary>Reads ffmpeg's MP4 box by box until it ends; never stops reading (ffmpeg must not block on us).</summary>
    public async Task RunAsync(Stream mp4)
    {
        var head = new List<byte[]>();
        var fragment = new List<byte[]>();
        try
        {
            while (await Mp4Boxes.ReadAsync(mp4) is { } box)
            {
                var type = Mp4Boxes.Type(box);
                if (_init is null)
                {
                    head.Add(box);
                    if (type == "moov") PublishInit(Concat(head));
                    continue;
                }
                fragment.Add(box);
                if (type == "mdat")
                {
                    Broadcast(new PreviewMessage(FramesMessage(), null));
                    Broadcast(new PreviewMessage(null, Concat(fragment)));
                    fragment.Clear();
                }
            }
        }
        catch (IOException) { /* ffmpeg went away */ }
        foreach (var c in _watchers.Keys) c.Writer.TryComplete();
    }

    private void PublishInit(byte[] init)
    {
        lock (_watchers)
        {
            _mime = $"video/mp4; codecs=\"{Mp4Boxes.AvcCodec(init) ?? "avc1.42E01E"}, mp4a.40.2\"";
            _init = init;
            foreach (var c in _watchers.Keys) SendInit(c);
        }
    }

    private void SendInit(Channel<PreviewMessage> c)
    {
        c.Writer.TryWrite(new PreviewMessage(JsonSerializer.Serialize(new { type = "init", mime = _mime, fps }), null));
        c.Writer.TryWrite(new PreviewMessage(null, _init));
    }

    private string FramesMessage()
    {
        lock (_renderedMs)
        {
            var first = _reportedFrames;
            var message = JsonSerializer.Serialize(new { type = "frames", first, unix_ms = _renderedMs });
            _reportedFrames = _nextFrame;
            _renderedMs.Clear();
            return message;
        }
    }

    private void Broadcast(PreviewMessage message)
    {
        foreach (var c in _watchers.Keys)
            if (!c.Writer.TryWrite(message)) { c.Writer.TryComplete(); _watchers.TryRemove(c, out _); }
    }

    private static byte[] Concat(List<byte[]> parts)
    {
        var all = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var p in parts) { p.CopyTo(all, at); at += p.Length; }
        return all;
    }
}

/// <summary>One socket message: text (JSON) or binary (MP4 bytes).</summary>
public readonly record struct PreviewMessage(string? Text, byte[]? Binary);
