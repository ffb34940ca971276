using Mirrorstage.GpuWorker.Rendering;
using Mirrorstage.GpuWorker.Sessions;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The procedural engine on the fixture face, cropped the way the gateway crops it.</summary>
public class ProceduralEngineTests
{
    private static Mat GatewayCrop()
    {
        // The gateway's own crop of the fixture.
        return Cv2.ImDecode(Landmarks.FixtureFace.Image.CropPng, ImreadModes.Color);
    }

    private static double MeanDiff(Mat a, Mat b, Rect roi)
    {
        using var x = new Mat(a, roi);
        using var y = new Mat(b, roi);
        using var d = new Mat();
        Cv2.Absdiff(x, y, d);
        return Cv2.Mean(d).Val0 + Cv2.Mean(d).Val1 + Cv2.Mean(d).Val2;
    }

    private static readonly Rect Mouth = new(190, 300, 132, 80);   // around (0.5, 0.625) of a 512 frame
    private static readonly Rect Forehead = new(180, 40, 150, 60);

    [Fact]
    public void An_open_mouth_changes_the_mouth_and_nothing_far_from_it()
    {
        using var crop = GatewayCrop();
        using var engine = new ProceduralEngine(crop, Landmarks.FixtureFace.Image.Landmarks, 512, 512);
        using var still = new Mat(512, 512, MatType.CV_8UC3);
        using var open = new Mat(512, 512, MatType.CV_8UC3);
        engine.Render(new FrameDrive(0, 0, 0, 0), still);
        engine.Render(new FrameDrive(0.8, 0.3, 0, 0), open);
        Dump(still, "still");
        Dump(open, "open");

        Assert.True(MeanDiff(still, open, Mouth) > 20, $"mouth changed by {MeanDiff(still, open, Mouth):0.0}");
        Assert.Equal(0, MeanDiff(still, open, Forehead), 3);
    }

    [Fact]
    public void Idle_frames_blink_and_breathe_but_keep_the_mouth_shut()
    {
        using var crop = GatewayCrop();
        using var engine = new ProceduralEngine(crop, Landmarks.FixtureFace.Image.Landmarks, 512, 512);
        using var rest = new Mat(512, 512, MatType.CV_8UC3);
        using var blink = new Mat(512, 512, MatType.CV_8UC3);
        engine.Render(new FrameDrive(0, 0, 0, 0), rest);
        engine.Render(IdleMotion.At(3, 25), blink); // mid-blink
        Dump(blink, "blink");
        Assert.True(IdleMotion.At(3, 25).Blink > 0.9);
        Assert.Equal(0, IdleMotion.At(3, 25).MouthOpen);
        var eyes = new Rect(150, 170, 212, 60);
        Assert.True(MeanDiff(rest, blink, eyes) > 3, $"eyes changed by {MeanDiff(rest, blink, eyes):0.0}");
    }

    private static void Dump(Mat frame, string name)
    {
        if (Environment.GetEnvironmentVariable("MIRRORSTAGE_DUMP_FRAMES") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            frame.ImWrite(Path.Combine(dir, name + ".png"));
        }
    }
}
