using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Messaging;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Messaging;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Rendering.Neural;
using Mirrorstage.GpuWorker.Sessions;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests.Telemetry;

/// <summary>The worker's metrics as the production telemetry setup exports them. The instruments are static:
/// alone, so no other test's frames are counted.</summary>
[Collection(Name)]
[CollectionDefinition(Name, DisableParallelization = true)]
public class WorkerMetricsTests
{
    private const string Name = "worker metrics";

    [Fact]
    public void The_neural_engines_frame_counts_are_exported()
    {
        using var exported = new ExportedMetrics();
        using var neural = new NeuralMetrics();
        neural.Model();

        var frames = Assert.Contains("mirrorstage.worker.neural.frames", exported.Collect());
        Assert.Contains(frames, p => Equals(p.Tags.GetValueOrDefault("path"), "model") && p.Value >= 1);
    }

    [Fact]
    public async Task An_idle_worker_waiting_on_the_queue_reports_all_its_slots_free()
    {
        using var exported = new ExportedMetrics();
        var source = new WaitingSource();
        var options = Options.Create(new WorkerOptions { WorkerId = "slots-" + Guid.NewGuid().ToString("N"), RenderSlots = 3 });
        using var consumer = new WarmRequestConsumer(source, null!, null!, options, new RunningLifetime(), NullLogger<WarmRequestConsumer>.Instance);
        await consumer.StartAsync(default);
        await source.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the loop holds a slot while it waits

        var metrics = exported.Collect();
        double Of(string name) => Assert.Single(metrics[name], p => Equals(p.Tags.GetValueOrDefault("mirrorstage.worker.id"), options.Value.WorkerId)).Value;
        Assert.Equal((0, 3), (Of("mirrorstage.render_slots.busy"), Of("mirrorstage.render_slots.free")));
        Assert.Equal(3, consumer.FreeSlots); // the figure the lease reports
        await consumer.StopAsync(default);
    }

    [Fact]
    public async Task Late_frames_are_reported_as_zero_before_any_frame_is_late()
    {
        using var exported = new ExportedMetrics();
        var timeline = new AudioTimeline(16_000);
        using var engine = new FlatEngine();
        await using var output = new DiscardedOutput();
        // One frame, far within its 40 ms slot at 64 x 64.
        await new FrameLoop(timeline, engine, output, 64, 64, 25).RunAsync((_, _) => ValueTask.FromResult<string?>("done"), default);

        var late = Assert.Contains("mirrorstage.frames.late", exported.Collect());
        Assert.Equal(0, Assert.Single(late).Value);
    }

    private sealed class WaitingSource : IWarmSource
    {
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<bool> ReceiveOneAsync(Func<WarmSession, CancellationToken, Task<WarmOutcome>> handle, TimeSpan wait, CancellationToken ct)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return false;
        }
    }

    private sealed class RunningLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    private sealed class FlatEngine : IRenderEngine
    {
        public void Render(FrameDrive drive, Mat target) => target.SetTo(new Scalar(80, 80, 80));
        public void Dispose() { }
    }

    private sealed class DiscardedOutput : IFrameOutput
    {
        public Task WriteAsync(ReadOnlyMemory<byte> frameI420, ReadOnlyMemory<byte> pcm, CancellationToken ct) => Task.CompletedTask;
        public string Errors => "";
        public string? FailureReason => null;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
