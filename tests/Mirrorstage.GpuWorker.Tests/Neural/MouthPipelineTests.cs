using System.Diagnostics;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Rendering.Neural;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests.Neural;

/// <summary>The inference thread's micro-batching: windows that queue up while the model is busy go through it
/// together, in one call.</summary>
public class MouthPipelineTests
{
    /// <summary>Records each call's batch size; its first call holds until the test lets it go.</summary>
    private sealed class GatedModel : IMouthModel
    {
        public ManualResetEventSlim FirstCallMayFinish { get; } = new();
        public ManualResetEventSlim FirstCallStarted { get; } = new();
        public List<int> Batches { get; } = [];
        public int Size => 96;
        public int MaxBatch => 8;

        public void Run(int batch, ReadOnlySpan<float> mel, ReadOnlySpan<float> face, Span<float> output)
        {
            lock (Batches) Batches.Add(batch);
            if (!FirstCallStarted.IsSet)
            {
                FirstCallStarted.Set();
                FirstCallMayFinish.Wait(TimeSpan.FromSeconds(30));
            }
            output[..(batch * 3 * Size * Size)].Fill(0.5f);
        }

        public void Dispose() => FirstCallMayFinish.Dispose();
    }

    [Fact]
    public void Windows_that_queue_up_while_the_model_is_busy_run_as_one_batch()
    {
        var region = new FaceRegion(new Rect(100, 80, 200, 240), Cv2.Ellipse2Poly(new Point(200, 260), new Size(70, 40), 0, 0, 360, 10),
            Cv2.Ellipse2Poly(new Point(200, 260), new Size(35, 15), 0, 0, 360, 10));
        using var model = new GatedModel();
        using var compositor = new MouthCompositor(region, model.Size);
        using var metrics = new NeuralMetrics();
        using var pipeline = new MouthPipeline(model, compositor, (_, frame) => frame.SetTo(new Scalar(90, 120, 170)), 400, 400, 25, metrics);
        var drive = new FrameDrive(0.6, 0.2, 0, 0);
        MouthJob Job(long frame, TimeSpan dueIn) => new(frame, new float[80 * 16], drive, Stopwatch.GetTimestamp() + (long)(dueIn.TotalSeconds * Stopwatch.Frequency));

        pipeline.Submit(Job(0, TimeSpan.Zero)); // due now: run at once, alone
        Assert.True(model.FirstCallStarted.Wait(TimeSpan.FromSeconds(30)), "the first window reached the model");
        for (var f = 1; f <= 8; f++) pipeline.Submit(Job(f, TimeSpan.FromSeconds(10))); // queue up behind it
        model.FirstCallMayFinish.Set();

        using var last = pipeline.Take(8, wait: true);
        Assert.NotNull(last);
        lock (model.Batches) Assert.Equal([1, 8], model.Batches);
    }
}
