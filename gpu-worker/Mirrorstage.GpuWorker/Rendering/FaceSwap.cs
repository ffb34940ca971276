using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>The engine a session renders with, and the one being prepared for the next face. A new face is
/// loaded in the background while the current one keeps rendering; the swap happens between two frames, so
/// the frame clock never waits for a decode.</summary>
public sealed class FaceSwap(string cropKey, Func<string, Task<IRenderEngine?>> load) : IRenderEngine
{
    public enum Outcome { None, Swapped, Unavailable }

    private IRenderEngine? _current;
    private Task<IRenderEngine?>? _next;
    private string? _nextKey;

    /// <summary>The crop key of the face on screen.</summary>
    public string CropKey { get; private set; } = cropKey;

    public async Task<bool> LoadFirstAsync() => (_current = await load(CropKey)) is not null;

    /// <summary>The store names this face; start preparing it unless it is on screen or on its way.</summary>
    public void Want(string key)
    {
        if (key == CropKey || _next is not null) return; // one at a time; a newer face is seen after this swap
        _nextKey = key;
        _next = load(key);
    }

    /// <summary>Called between frames: puts a prepared face on screen.</summary>
    public Outcome TrySwap()
    {
        if (_next is not { IsCompleted: true } next) return Outcome.None;
        _next = null;
        var key = _nextKey!;
        var engine = next.IsCompletedSuccessfully ? next.Result : null;
        CropKey = key; // even when unavailable: do not retry a face that cannot load on every re-read
        if (engine is null) return Outcome.Unavailable;
        var old = _current;
        _current = engine;
        old?.Dispose();
        return Outcome.Swapped;
    }

    public void Render(FrameDrive drive, Mat target) =>
        (_current ?? throw new InvalidOperationException("No face loaded.")).Render(drive, target);

    public void Dispose()
    {
        _current?.Dispose();
        if (_next is { } pending)
            pending.ContinueWith(t => { if (t.IsCompletedSuccessfully) t.Result?.Dispose(); }, TaskScheduler.Default);
    }
}
