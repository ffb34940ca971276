using System.Net;
using System.Net.Sockets;
using Mirrorstage.Events.LiveKit;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Sessions;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The real publisher (LiveKit's official SDK in Node) driven by the real frame clock, up to the network:
/// no LiveKit server exists here, so the room is a silent listener (joining never completes) or a closed port.</summary>
public class LiveKitPublisherTests
{
    private static readonly LiveKitWorkerOptions Options = new() { ConnectTimeoutSeconds = 10 };

    [Fact]
    public async Task Frames_and_speech_reach_the_SDKs_sources_at_25_fps_in_step()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts the SDK's connection and never answers: frames flow while it waits to join
        var url = $"ws://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var token = LiveKitTokens.Worker("APIkey", "a-secret-of-at-least-thirty-two-characters", "s-1", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));

        var output = await LiveKitOutput.LaunchAsync(new LiveKitTarget(url, token), Options, 512, 512, 25, default);
        // Node and the SDK take a moment to load; its first report (once a second) says it is taking frames.
        // Frames sent before it takes them would queue and cross in a burst, so the pacing below waits for it (a busy
        // 2-core machine can take well over 10 s).
        for (var i = 0; i < 300 && output.Stats is null; i++) await Task.Delay(100);
        Assert.True(output.Stats is not null, "the publisher did not start within 30 s: " + output.Errors);
        var timeline = new AudioTimeline(16_000 * 10);
        var tone = Enumerable.Range(0, 16_000).Select(i => (short)(8000 * Math.Sin(i * 2 * Math.PI * 220 / 16_000))).ToArray();
        Assert.True(timeline.TryAppend(tone));
        timeline.MarkUtteranceEnd(1);
        using var engine = new FlatEngine();
        const int frames = 75;
        var reason = await new FrameLoop(timeline, engine, output, 512, 512, 25)
            .RunAsync((n, _) => ValueTask.FromResult(n == frames - 1 ? "done" : null), default);
        await output.DisposeAsync(); // the publisher reports its final counts at the end of its input

        Assert.Equal("done", reason);
        var stats = output.Stats ?? throw new Xunit.Sdk.XunitException("the publisher reported no counts: " + output.Errors);
        Assert.True(stats.GetProperty("final").GetBoolean());
        Assert.Equal(frames, stats.GetProperty("video_frames").GetInt32());
        Assert.Equal(frames, stats.GetProperty("audio_frames").GetInt32());
        Assert.Equal(frames * 640, stats.GetProperty("audio_samples").GetInt32()); // one frame of PCM under each picture
        // Paced by the frame clock, not dumped at once: 74 intervals of 40 ms between the first and last capture.
        var span = stats.GetProperty("last_capture_ms").GetInt64() - stats.GetProperty("first_capture_ms").GetInt64();
        Assert.InRange(span, (frames - 1) * 40 * 0.9, (frames - 1) * 40 * 1.5);
    }

    [Fact]
    public async Task A_room_address_with_no_server_fails_to_join_with_a_clear_reason()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there now

        var (output, failure, detail) = await LiveKitOutput.StartAsync(new LiveKitTarget($"ws://127.0.0.1:{port}", "a.b.c"), Options, 64, 64, 25, default);
        Assert.Null(output);
        Assert.Equal(LiveKitOutput.ConnectFailed, failure);
        Assert.Contains("refused", detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_missing_publisher_program_fails_at_once_as_publisher_unavailable()
    {
        var options = new LiveKitWorkerOptions { PublisherScript = Path.Combine(Path.GetTempPath(), $"no-publisher-{Guid.NewGuid():N}.js") };
        var (output, failure, detail) = await LiveKitOutput.StartAsync(new LiveKitTarget("ws://127.0.0.1:9", "a.b.c"), options, 64, 64, 25, default);
        Assert.Null(output);
        Assert.Equal(LiveKitOutput.PublisherUnavailable, failure);
        Assert.Contains(options.PublisherScript, detail);
    }

    [Fact]
    public async Task A_missing_node_fails_at_once_as_publisher_unavailable()
    {
        var options = new LiveKitWorkerOptions { NodePath = "/nonexistent/bin/node" };
        var (output, failure, detail) = await LiveKitOutput.StartAsync(new LiveKitTarget("ws://127.0.0.1:9", "a.b.c"), options, 64, 64, 25, default);
        Assert.Null(output);
        Assert.Equal(LiveKitOutput.PublisherUnavailable, failure);
        Assert.Contains("/nonexistent/bin/node", detail);
    }

    [Fact]
    public async Task A_publisher_that_dies_before_joining_fails_at_once_not_after_the_connect_timeout()
    {
        var script = Path.Combine(Path.GetTempPath(), $"crashing-publisher-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, "console.error('cannot load the SDK'); process.exit(3);");
        try
        {
            var options = new LiveKitWorkerOptions { PublisherScript = script, ConnectTimeoutSeconds = 60 };
            var started = DateTime.UtcNow;
            var (output, failure, detail) = await LiveKitOutput.StartAsync(new LiveKitTarget("ws://127.0.0.1:9", "a.b.c"), options, 64, 64, 25, default)
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Null(output);
            Assert.Equal(LiveKitOutput.ConnectFailed, failure);
            Assert.Contains("cannot load the SDK", detail);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "waited for the connect timeout");
        }
        finally { File.Delete(script); }
    }

    /// <summary>Stands in for the face renderer (not what is under test): a flat frame that brightens with the mouth.</summary>
    private sealed class FlatEngine : IRenderEngine
    {
        public void Render(FrameDrive drive, Mat target) => target.SetTo(new Scalar(80, 80 + 100 * drive.MouthOpen, 80));
        public void Dispose() { }
    }
}
