using System.Diagnostics;
using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Measurement;

/// <summary>Does the video speak? Reads a rendered video back (ffmpeg decodes its frames and its audio),
/// fits the landmarks on every frame and compares the inner-lip gap with the loudness of that frame's audio.</summary>
public static class SpeechVideoCheck
{
    public sealed record Result(int Frames, double Correlation, double SilentGap, double SpeakingGap, double InteriorInside, List<(double Decibels, double Gap, Mat? Mouth)> PerFrame);

    /// <param name="face">the rest landmarks at the video's size: the box each frame is fitted in.</param>
    /// <param name="mouthCrops">also keep a crop of the mouth of every frame (for a contact sheet).</param>
    public static async Task<Result> MeasureAsync(string video, FaceLandmarks face, LandmarkDetector detector, bool mouthCrops = false)
    {
        var (w, h) = (face.Width, face.Height);
        var frames = await DecodeAsync(video, ["-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{w}x{h}"]);
        var audio = await DecodeAsync(video, ["-vn", "-f", "s16le", "-ac", "1", "-ar", "16000"]);
        var frameBytes = w * h * 3;
        var count = frames.Length / frameBytes;
        var xs = face.Points.Select(p => p.X).ToList();
        var ys = face.Points.Select(p => p.Y).ToList();
        var box = new Rect((int)xs.Min(), (int)ys.Min(), (int)(xs.Max() - xs.Min()), (int)(ys.Max() - ys.Min()));
        var mouthBox = MouthBox(face);

        var per = new List<(double, double, Mat?)>();
        double inside = 0, dark = 0;
        for (var n = 0; n < count; n++)
        {
            using var frame = Mat.FromPixelData(h, w, MatType.CV_8UC3, System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(frames, 0) + n * frameBytes);
            var fit = detector.Fit(frame, box).Landmarks;
            var db = Decibels(audio, n * 640, 640);
            var gap = fit is null ? double.NaN : Gap(fit);
            per.Add((db, gap, mouthCrops ? new Mat(frame, mouthBox).Clone() : null));
            if (fit is not null && gap > 0.08) (inside, dark) = Interior(frame, fit, mouthBox, inside, dark);
        }
        var valid = per.Where(p => !double.IsNaN(p.Item2)).ToList();
        var r = Pearson(valid.Select(p => Math.Max(p.Item1, -60)).ToList(), valid.Select(p => p.Item2).ToList());
        var silent = valid.Where(p => p.Item1 < -50).Select(p => p.Item2).DefaultIfEmpty(double.NaN).Average();
        var speaking = valid.Where(p => p.Item1 > -35).Select(p => p.Item2).DefaultIfEmpty(double.NaN).Average();
        return new Result(count, r, silent, speaking, dark == 0 ? double.NaN : inside / dark, per);
    }

    /// <summary>The inner-lip gap (mean of the three vertical pairs) as a fraction of the mouth's width.</summary>
    public static double Gap(FaceLandmarks l)
    {
        static double D(LandmarkPoint a, LandmarkPoint b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
        return (D(l[61], l[67]) + D(l[62], l[66]) + D(l[63], l[65])) / 3 / D(l[48], l[54]);
    }

    public static Rect MouthBox(FaceLandmarks l)
    {
        var mouth = l.Centre(48, 59);
        var mw = l[54].X - l[48].X;
        return new Rect((int)(mouth.X - 0.8f * mw), (int)(mouth.Y - 0.3f * mw), (int)(1.6f * mw), (int)(0.85f * mw)) & new Rect(0, 0, l.Width, l.Height);
    }

    /// <summary>Dark pixels (the cavity) near the mouth, and how many of them lie inside the fitted inner lips.</summary>
    private static (double, double) Interior(Mat frame, FaceLandmarks fit, Rect mouthBox, double inside, double dark)
    {
        using var gray = new Mat(frame, mouthBox).CvtColor(ColorConversionCodes.BGR2GRAY);
        using var lips = new Mat(gray.Size(), MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(lips, [Enumerable.Range(60, 8).Select(i => new Point(fit[i].X - mouthBox.X, fit[i].Y - mouthBox.Y)).ToArray()], Scalar.All(255));
        Cv2.Dilate(lips, lips, null, iterations: 2); // the fit's contour sits on the lip edge: allow 2 px
        using var cavity = new Mat();
        Cv2.Threshold(gray, cavity, 60, 255, ThresholdTypes.BinaryInv);
        using var both = new Mat();
        Cv2.BitwiseAnd(cavity, lips, both);
        return (inside + Cv2.CountNonZero(both), dark + Cv2.CountNonZero(cavity));
    }

    private static double Decibels(byte[] pcm, int sample, int count)
    {
        double sum = 0;
        var n = 0;
        for (var i = sample; i < sample + count && 2 * i + 1 < pcm.Length; i++, n++)
        {
            double s = (short)(pcm[2 * i] | pcm[2 * i + 1] << 8) / 32768.0;
            sum += s * s;
        }
        return n == 0 ? -120 : 10 * Math.Log10(Math.Max(sum / n, 1e-12));
    }

    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count < 3) return double.NaN;
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Count; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }

    private static async Task<byte[]> DecodeAsync(string video, string[] format)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-loglevel", "error", "-i", video }.Concat(format).Append("pipe:1")) info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        using var output = new MemoryStream();
        var copy = ffmpeg.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = ffmpeg.StandardError.ReadToEndAsync();
        await copy;
        await ffmpeg.WaitForExitAsync();
        if (ffmpeg.ExitCode != 0) throw new IOException($"ffmpeg could not decode {video}: {await errors}");
        var pinned = GC.AllocateUninitializedArray<byte>((int)output.Length, pinned: true); // frames are wrapped in place
        output.GetBuffer().AsSpan(0, (int)output.Length).CopyTo(pinned);
        return pinned;
    }
}
