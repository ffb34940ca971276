using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

/// <summary>One micro-batch through the model: the face under each frame's mouth (the base engine with the mouth
/// closed), its model input, one model call for all of them, and each mouth pasted back onto its face.</summary>
public sealed class MouthBatch(IMouthModel model, MouthCompositor compositor, Action<FrameDrive, Mat> renderBase, int width, int height)
{
    /// <summary>The finished frames, in the jobs' order, and the last job's raw model output (3 x S x S).</summary>
    public (Mat[] Frames, float[] LastOutput) Run(IReadOnlyList<MouthJob> jobs)
    {
        int s = model.Size, n = jobs.Count, facePlane = 6 * s * s, outPlane = 3 * s * s, melPlane = 80 * 16;
        var mel = new float[n * melPlane];
        var face = new float[n * facePlane];
        var output = new float[n * outPlane];
        var frames = new Mat[n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                frames[i] = new Mat(height, width, MatType.CV_8UC3);
                renderBase(jobs[i].Drive, frames[i]);
                compositor.BuildInput(frames[i], face.AsSpan(i * facePlane, facePlane));
                jobs[i].Mel.CopyTo(mel, i * melPlane);
            }
            model.Run(n, mel, face, output);
            for (var i = 0; i < n; i++) compositor.Paste(frames[i], output.AsSpan(i * outPlane, outPlane), frames[i]);
            return (frames, output.AsSpan((n - 1) * outPlane, outPlane).ToArray());
        }
        catch
        {
            foreach (var f in frames) f?.Dispose();
            throw;
        }
    }
}
