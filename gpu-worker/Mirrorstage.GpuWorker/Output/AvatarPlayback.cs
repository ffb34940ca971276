using System.Runtime.InteropServices;
using System.Text.Json;
using Mirrorstage.GpuWorker.Audio;

namespace Mirrorstage.GpuWorker.Output;

/// <summary>The avatar side of LiveKit Agents' convention, on the worker: the agent's `lk.audio_stream` speech
/// (resampled to 16 kHz mono by the publisher) goes into the session's timeline, one utterance per stream;
/// `lk.clear_buffer` drops what is queued at once and answers `lk.playback_finished` with how much of the
/// utterance had played and interrupted=true; an utterance that plays to its end answers interrupted=false.</summary>
public sealed class AvatarPlayback(AudioTimeline timeline, Func<int> nextUtterance, Func<string, Task> playbackFinished)
{
    private readonly object _lock = new();
    private int? _current;          // the utterance being received (its stream still open)
    private bool _dropping;          // cleared while its stream was open: drop the rest of that stream
    private long _appended;          // samples appended through this path, ever
    private readonly Dictionary<int, (long Start, long Length)> _open = new(); // utterances not yet finished

    public void OnPublisherMessage(char kind, byte[] payload)
    {
        switch (kind)
        {
            case 'A': Audio(MemoryMarshal.Cast<byte, short>(payload.AsSpan(0, payload.Length & ~1))); break;
            case 'E': EndOfStream(); break;
            case 'X': _ = Clear(); break;
        }
    }

    public void Audio(ReadOnlySpan<short> samples)
    {
        lock (_lock)
        {
            if (_dropping) return;
            if (_current is null)
            {
                _current = nextUtterance();
                _open[_current.Value] = (_appended, 0);
            }
            if (!timeline.TryAppend(samples)) return; // over the buffer bound: the excess is dropped, as on the socket
            var (start, length) = _open[_current.Value];
            _open[_current.Value] = (start, length + samples.Length);
            _appended += samples.Length;
        }
    }

    public void EndOfStream()
    {
        lock (_lock)
        {
            if (_current is { } u && !_dropping) timeline.MarkUtteranceEnd(u);
            _current = null;
            _dropping = false;
        }
    }

    /// <summary>The agent interrupted: stop speaking now and say how far the utterance had got.</summary>
    public Task Clear()
    {
        string payload;
        lock (_lock)
        {
            var played = timeline.PlayedSamples;
            timeline.Clear();
            // The utterance playing now is the oldest unfinished one; everything after it never started.
            var playing = _open.Count == 0 ? (int?)null : _open.Keys.Min();
            var position = 0.0;
            if (playing is { } p)
            {
                var (start, length) = _open[p];
                // Only this path appends to the timeline in a caller's room, and it counts every sample it ever
                // played (cleared ones too): the utterance's first sample played when PlayedSamples reached its start.
                position = Math.Clamp(played - start, 0, length) / (double)FfmpegOutput.SampleRate;
            }
            _open.Clear();
            _dropping = _current is not null;
            payload = Payload(position, interrupted: true);
        }
        return playbackFinished(payload);
    }

    /// <summary>The frame clock played an utterance's last sample.</summary>
    public Task? Finished(int utterance)
    {
        lock (_lock)
        {
            if (!_open.Remove(utterance, out var u)) return null;
            return playbackFinished(Payload(u.Length / (double)FfmpegOutput.SampleRate, interrupted: false));
        }
    }

    /// <summary>Exactly the two keys LiveKit Agents reads: {"playback_position": seconds, "interrupted": bool}.</summary>
    public static string Payload(double position, bool interrupted) =>
        JsonSerializer.Serialize(new { playback_position = Math.Round(position, 3), interrupted });
}
