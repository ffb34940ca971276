using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Rendering.Neural;
using Mirrorstage.GpuWorker.Tests.Support;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests.Neural;

/// <summary>The wav2lip-onnx engine on the fixture face with generated 96 and 256 px models, driven at the frame
/// clock's pace with the fixture speech.</summary>
[Collection(NeuralCollection.Name)]
public class Wav2LipEngineTests
{
    private static readonly FrameDrive Speaking = new(0.6, 0.2, 0, 0);

    /// <summary>Renders `ticks` frames 40 ms apart; returns each frame with where its mouth came from.</summary>
    private static List<(Mat Frame, Wav2LipEngine.Source Source)> Run(Wav2LipEngine engine, int ticks)
    {
        var speech = NeuralRig.Speech();
        var frames = new List<(Mat, Wav2LipEngine.Source)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var n = 0; n < ticks; n++)
        {
            var frame = new Mat(NeuralRig.Height, NeuralRig.Width, MatType.CV_8UC3);
            engine.Render(Speaking with { Audio = speech.AsMemory(n * NeuralRig.PerFrame, NeuralRig.PerFrame) }, frame);
            frames.Add((frame, engine.LastShown));
            var due = TimeSpan.FromMilliseconds(40 * (n + 1)) - clock.Elapsed;
            if (due > TimeSpan.Zero) Thread.Sleep(due);
        }
        return frames;
    }

    [Theory]
    [InlineData(96)]
    [InlineData(256)]
    public void The_models_mouth_lands_inside_the_feathered_mask_and_nowhere_else(int size)
    {
        using var crop = NeuralRig.Crop();
        using var model = Wav2LipModel.Load(new NeuralOptions { ModelPath = TestModels.Path(size), IntraOpThreads = 1 });
        using var metrics = new NeuralMetrics();
        // Every frame waits for the model: this test is about where the pixels go, not about keeping up on a busy machine.
        var log = new ListLogger();
        using var engine = NeuralRig.Engine(crop, model, new NeuralOptions { ModelPath = "m" }, metrics, log, waitForModel: true);
        var frames = Run(engine, engine.DelayFrames + 25);

        using var procedural = NeuralRig.Procedural(crop);
        using var face = new Mat(NeuralRig.Height, NeuralRig.Width, MatType.CV_8UC3);
        procedural.Render(Speaking with { MouthOpen = 0, Spread = 0 }, face); // the face under the model's mouth
        using var mask = engine.Compositor.FrameMask(NeuralRig.Width, NeuralRig.Height);
        using var outside = new Mat();
        Cv2.Compare(mask, Scalar.All(0), outside, CmpTypes.EQ);
        using var core = new Mat();
        Cv2.Compare(mask, Scalar.All(0.9), core, CmpTypes.GT);

        var made = frames.Where(f => f.Source == Wav2LipEngine.Source.Model).Select(f => f.Frame).ToList();
        Assert.True(made.Count == 25, $"{made.Count} frames from the model; log: {string.Join("\n", log.Lines)}");
        Assert.Equal(metrics.ModelFrames, made.Count);
        Assert.Equal(engine.DelayFrames, frames.TakeWhile(f => f.Source == Wav2LipEngine.Source.Warmup).Count());
        NeuralRig.Dump(made[^1], $"wav2lip-{size}");
        using (var shown = new Mat())
        {
            Cv2.Absdiff(made[^1], face, shown);
            NeuralRig.Dump(shown * 4, $"wav2lip-{size}-difference-x4");
        }
        foreach (var frame in made)
        {
            using var diff = new Mat();
            Cv2.Absdiff(frame, face, diff);
            using var gray = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
            using var changedOutside = new Mat();
            Cv2.BitwiseAnd(gray, outside, changedOutside);
            Assert.Equal(0, Cv2.CountNonZero(changedOutside));
            Assert.True(Cv2.Mean(gray, core).Val0 > 2, $"the mouth changed by {Cv2.Mean(gray, core).Val0:0.0} on average");
        }
        // The mask covers the mouth and chin, and stays off the eyes and the box's edges.
        Assert.True(mask.At<float>((int)(0.64 * NeuralRig.Height), NeuralRig.Width / 2) > 0.9);
        Assert.Equal(0, mask.At<float>((int)(0.40 * NeuralRig.Height), NeuralRig.Width / 2));
        var box = engine.Compositor.Region.Box;
        using var edge = new Mat(mask, new Rect(box.X, box.Y + box.Height - 1, box.Width, 1));
        Assert.Equal(0, Cv2.CountNonZero(edge));
        foreach (var (frame, _) in frames) frame.Dispose();
    }

    private static int Changed(Mat a, Mat b, Mat? where)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        using var gray = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
        if (where is not null) Cv2.BitwiseAnd(gray, where, gray);
        return Cv2.CountNonZero(gray);
    }

    [Theory]
    [InlineData("procedural")]
    [InlineData("last-mouth")]
    public void A_model_too_slow_for_the_clock_never_holds_a_frame_back_late_frames_fall_back_and_are_counted(string fallback)
    {
        using var crop = NeuralRig.Crop();
        using var real = Wav2LipModel.Load(new NeuralOptions { ModelPath = TestModels.Path(96) });
        using var model = new SlowedModel(real, TimeSpan.FromMilliseconds(600));
        using var metrics = new NeuralMetrics();
        var log = new ListLogger();
        using var engine = NeuralRig.Engine(crop, model, new NeuralOptions { ModelPath = "m", LatencyBudgetMs = 80, Fallback = fallback }, metrics, log);
        const int ticks = 60;
        var frames = Run(engine, ticks);

        Assert.Equal(ticks, frames.Count);
        Assert.Equal(ticks, metrics.WarmupFrames + metrics.ModelFrames + metrics.FallbackFrames);
        Assert.Equal(engine.DelayFrames, metrics.WarmupFrames);
        Assert.True(metrics.FallbackFrames > metrics.ModelFrames, $"{metrics.FallbackFrames} fell back, {metrics.ModelFrames} from the model");
        Assert.True(metrics.SkippedWindows > 0, "windows whose frame was already shown are dropped unrun");
        Assert.Contains(log.Lines, l => l.Contains("inference is behind the 25 fps clock"));

        using var procedural = NeuralRig.Procedural(crop);
        using var expected = new Mat(NeuralRig.Height, NeuralRig.Width, MatType.CV_8UC3);
        procedural.Render(Speaking, expected);
        using var closed = new Mat(NeuralRig.Height, NeuralRig.Width, MatType.CV_8UC3);
        procedural.Render(Speaking with { MouthOpen = 0, Spread = 0 }, closed);
        using var mask = engine.Compositor.FrameMask(NeuralRig.Width, NeuralRig.Height);
        using var outside = new Mat();
        Cv2.Compare(mask, Scalar.All(0), outside, CmpTypes.EQ);
        var (pasted, proceduralAfterBridge, streak) = (0, 0, 0);
        foreach (var (frame, source) in frames)
        {
            if (source != Wav2LipEngine.Source.Fallback) { streak = 0; continue; }
            var late = streak++; // this frame's place in its run of late frames
            // The weightless engine's open mouth, or the model's last mouth pasted on the closed face (once the model
            // has made one): always the latter with last-mouth; with procedural only for a short stall.
            if (Changed(frame, expected, null) == 0)
            {
                if (late >= Wav2LipEngine.BridgeFrames) proceduralAfterBridge++;
                continue;
            }
            Assert.True(fallback == "last-mouth" || late < Wav2LipEngine.BridgeFrames, $"late frame {late} of its run kept the last mouth");
            Assert.Equal(0, Changed(frame, closed, outside));
            pasted++;
        }
        Assert.True(fallback == "procedural" || pasted > 0, "the last mouth was reused");
        Assert.True(fallback == "last-mouth" || proceduralAfterBridge > 0, "a long stall moves on to the procedural mouth");
        foreach (var (frame, _) in frames) frame.Dispose();
    }
}
