using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Each session renders on its own frame clock, so sessions are the parallelism. OpenCV's own thread
/// pool, splitting every remap and colour conversion across the cores, only adds waiting threads that spin: on
/// 2 cores it cost 1.7 ms of CPU per frame on top of a 2 ms render. One thread each, the calling thread.</summary>
public static class RenderThreads
{
    public static void OnePerSession() => Cv2.SetNumThreads(1);
}
