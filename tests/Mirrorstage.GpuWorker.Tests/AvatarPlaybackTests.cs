using System.Runtime.InteropServices;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Tests.Publishers;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The worker's side of LiveKit Agents' avatar convention: the agent's utterances into the timeline,
/// and the lk.playback_finished payloads it answers with (the plugin's tests feed this exact text to LiveKit
/// Agents' own receiver).</summary>
public class AvatarPlaybackTests
{
    private readonly AudioTimeline _timeline = new(16_000 * 30);
    private readonly List<string> _sent = [];
    private int _utterances;
    private AvatarPlayback NewPlayback() => new(_timeline, () => ++_utterances, p => { _sent.Add(p); return Task.CompletedTask; });

    private static byte[] Pcm(int samples) => MemoryMarshal.AsBytes(Enumerable.Repeat((short)1000, samples).ToArray().AsSpan()).ToArray();

    private List<(int Utterance, long EndSample)> Play(int frames)
    {
        var done = new List<(int, long)>();
        var frame = new short[640];
        for (var i = 0; i < frames; i++) done.AddRange(_timeline.Pull(frame, out _));
        return done;
    }

    [Fact]
    public void The_payload_has_exactly_the_two_keys_LiveKit_Agents_reads() =>
        Assert.Equal("""{"playback_position":0.48,"interrupted":true}""", AvatarPlayback.Payload(0.48, interrupted: true));

    [Fact]
    public async Task An_utterance_played_to_its_end_reports_its_whole_length_not_interrupted()
    {
        var avatar = NewPlayback();
        avatar.OnPublisherMessage('A', Pcm(16_000));
        avatar.OnPublisherMessage('A', Pcm(8_000));
        avatar.OnPublisherMessage('E', []);
        var finished = Play(38); // 38 frames of 640 = 24,320 samples: past the 24,000 of the utterance
        Assert.Equal([(1, 24_000L)], finished);
        await avatar.Finished(1)!;
        Assert.Equal(["""{"playback_position":1.5,"interrupted":false}"""], _sent);
        Assert.Null(avatar.Finished(1)); // reported once
    }

    [Fact]
    public async Task Clear_buffer_stops_speech_at_once_and_reports_how_far_it_got()
    {
        var avatar = NewPlayback();
        avatar.OnPublisherMessage('A', Pcm(32_000));   // 2 s, its stream still open
        Play(12);                                       // 12 frames = 0.48 s played
        avatar.OnPublisherMessage('X', []);
        await Task.Yield();
        Assert.Equal(["""{"playback_position":0.48,"interrupted":true}"""], _sent);

        var frame = new short[640];
        _timeline.Pull(frame, out var speech);
        Assert.Equal(0, speech);                        // nothing left to say
        avatar.OnPublisherMessage('A', Pcm(6_400));     // the rest of the interrupted stream is dropped
        avatar.OnPublisherMessage('E', []);
        _timeline.Pull(frame, out speech);
        Assert.Equal(0, speech);

        avatar.OnPublisherMessage('A', Pcm(1_600));     // the next stream is a new utterance, heard again
        _timeline.Pull(frame, out speech);
        Assert.Equal(640, speech);
        Assert.Equal(2, _utterances);
    }

    /// <summary>The publisher listens to the agent from the moment it joins; the worker attaches the playback
    /// only once the face is loaded. Speech in between is kept, played, and answered.</summary>
    [Fact]
    public async Task Speech_that_arrives_before_the_playback_is_attached_is_played_and_answered()
    {
        var (output, failure, detail) = await LiveKitOutput.StartAsync(ScriptedPublisher.Room("agent-speaks-at-once"), ScriptedPublisher.Options, 64, 64, 25, default);
        Assert.True(output is not null, $"{failure}: {detail}");
        Assert.Equal("agent-1", output.PublishOnBehalf); // joined: its 0.2 s of speech came before that
        var avatar = new AvatarPlayback(_timeline, () => ++_utterances, output.PlaybackFinishedAsync);
        output.Attach(avatar);

        Assert.Equal([(1, 3_200L)], Play(6)); // 6 frames of 640 samples: past the 3,200 of the utterance
        await avatar.Finished(1)!;
        await output.DisposeAsync(); // the stand-in reports what it was sent at the end of its input

        var sent = output.Stats!.Value.GetProperty("playback_finished").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(["""{"playback_position":0.2,"interrupted":false}"""], sent);
    }
}
