using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Animates a photo without model weights, from its 68 landmarks: each frame poses the face mesh
/// (lips, jaw, eyelids, head; <see cref="FacePose"/>), warps the photo piecewise-affinely inside the face
/// (the photo's own pixels beyond the region that moved) and paints the mouth's interior between the inner
/// lips. Buffers are allocated once per face.</summary>
public sealed class ProceduralEngine : IRenderEngine
{
    private readonly Mat _photo;
    private readonly FaceMesh _mesh;
    private readonly FacePose _pose;
    private readonly PiecewiseAffineWarp _warp;
    private readonly MouthInterior _mouth;
    private readonly float[] _posed;

    public ProceduralEngine(Mat reference, FaceLandmarks landmarks, int width, int height)
    {
        _photo = new Mat();
        Cv2.Resize(reference, _photo, new Size(width, height), 0, 0, reference.Width > width ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        _mesh = new FaceMesh(TeethLine.Refine(_photo, landmarks.ScaledTo(width, height)), width, height);
        _pose = new FacePose(_mesh);
        _warp = new PiecewiseAffineWarp(width, height);
        _mouth = new MouthInterior(_mesh, _photo);
        _posed = new float[_mesh.Rest.Length];
    }

    public FaceMesh Mesh => _mesh;

    /// <summary>The posed vertices of the last frame (landmarks first), for measurements.</summary>
    public ReadOnlySpan<float> Posed => _posed;

    /// <summary>The region the last frame resampled.</summary>
    public Rect LastRegion { get; private set; }

    public void Render(FrameDrive drive, Mat target)
    {
        _pose.Pose(drive, _posed, _photo.Width, _photo.Height);
        _photo.CopyTo(target);
        LastRegion = _warp.Warp(_photo, target, _mesh.Rest, _posed, _mesh.Triangles);
        _mouth.Paint(_posed, target);
    }

    public void Dispose()
    {
        _photo.Dispose();
        _warp.Dispose();
        _mouth.Dispose();
    }
}
