using System.Diagnostics;
using Mirrorstage.GpuWorker.Audio;
using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.Imaging;
using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

using Mirrorstage.GpuWorker.Measurement;

namespace Mirrorstage.Bench.Worker;

/// <summary>The talking face's own figures: landmark cost per photo, engine cost per frame, whether the
/// rendered and re-decoded video speaks, and the seam at the edge of the warp.</summary>
public static class FaceFigures
{
    public static async Task PrintAsync(ReferenceImageProcessor processor, LandmarkDetector detector, byte[] photo, Mat crop, FaceLandmarks landmarks, byte[] speechPcm, int width, int height)
    {
        // Landmarks: the cascade alone on the crop, and the gateway's whole processing of the photo.
        var box = new Rect((int)landmarks.Points.Min(p => p.X), (int)landmarks.Points.Min(p => p.Y),
            (int)(landmarks.Points.Max(p => p.X) - landmarks.Points.Min(p => p.X)), (int)(landmarks.Points.Max(p => p.Y) - landmarks.Points.Min(p => p.Y)));
        var fit = Time(30, () => detector.Fit(crop, box));
        var whole = Time(20, () => processor.Process(photo));
        Console.WriteLine($"landmarks per photo: cascade with box refinement {fit.Mean:F2} ms (p95 {fit.P95:F2}), whole photo check + crop + landmarks {whole.Mean:F1} ms");

        var speech = new short[speechPcm.Length / 2];
        Buffer.BlockCopy(speechPcm, 0, speech, 0, speechPcm.Length);
        using var engine = new ProceduralEngine(crop, landmarks, width, height);
        using var frame = new Mat(height, width, MatType.CV_8UC3);
        foreach (var head in new[] { false, true })
        {
            var mouth = new MouthDrive();
            var ms = new List<double>();
            long area = 0;
            for (var n = 0; (n + 1) * 640 <= speech.Length; n++)
            {
                var drive = mouth.Next(speech.AsSpan(n * 640, 640), 640, Mirrorstage.GpuWorker.Sessions.IdleMotion.At(n, 25));
                if (!head) drive = drive with { HeadX = 0, HeadY = 0, HeadRoll = 0, Breath = 0 };
                var sw = Stopwatch.StartNew();
                engine.Render(drive, frame);
                ms.Add(sw.Elapsed.TotalMilliseconds);
                area += engine.LastRegion.Width * engine.LastRegion.Height;
            }
            ms.Sort();
            Console.WriteLine($"engine per frame, head motion {(head ? "on " : "off")}: mean {ms.Average():F2} ms, p95 {ms[(int)(ms.Count * 0.95)]:F2} ms; region resampled {area / ms.Count / (double)(width * height):P0} of the frame");
        }

        using var still = crop.Resize(new Size(width, height), 0, 0, InterpolationFlags.Cubic);
        engine.Render(new FrameDrive(1, 0.5, 1, 0), frame);
        var seam = SeamCheck.Measure(still, frame, engine.Mesh.Rest, FaceMesh.InnerRing);
        engine.Render(new FrameDrive(1, 0.5, 0, 0) { HeadRoll = 0.03, HeadY = 0.01 }, frame);
        var seamMoving = SeamCheck.Measure(still, frame, engine.Mesh.Rest, FaceMesh.OuterRing);
        Console.WriteLine($"seam (|grad frame - grad photo| / grad photo along the warp's edge, widest mouth): {seam.GradientMismatch:F3} head still (inner ring), {seamMoving.GradientMismatch:F3} head turned (outer ring); photo gradient there {seam.PhotoGradient:F1}");
        Console.WriteLine($"outside the face hull, head still: {seam.ChangedOutside} pixels differ from the photo (largest difference {seam.WorstOutside})");

        var video = Path.Combine(Path.GetTempPath(), $"mirrorstage-bench-{Guid.NewGuid():N}.flv");
        try
        {
            await OfflineRender.RenderAsync(engine, speech, video, width, height);
            var speaks = await SpeechVideoCheck.MeasureAsync(video, landmarks.ScaledTo(width, height), detector);
            Console.WriteLine($"the video speaks (H.264 read back, landmarks fitted on {speaks.Frames} frames): inner-lip gap vs loudness r = {speaks.Correlation:F2}; " +
                $"gap {speaks.SilentGap:F3} of the mouth's width in silence, {speaks.SpeakingGap:F3} speaking; {speaks.InteriorInside:P0} of the dark interior inside the fitted inner lips");
        }
        finally
        {
            File.Delete(video);
        }
    }

    private static (double Mean, double P95) Time(int runs, Action work)
    {
        work();
        var ms = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            work();
            ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        return (ms.Average(), ms[(int)(ms.Count * 0.95)]);
    }
}
