using System.Diagnostics;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>ONNX models with the Wav2Lip interface written by scripts/make-wav2lip-test-model.py (Debian's
/// python3-onnx), once per test run, into a temporary folder.</summary>
internal static class TestModels
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("mirrorstage-models-").FullName;
    private static readonly object Lock = new();

    public static string Path(int size, params string[] extra)
    {
        var name = $"wav2lip-{size}{string.Concat(extra.Select(e => e.Replace("--", "_").Replace(" ", "")))}.onnx";
        var path = System.IO.Path.Combine(Folder, name);
        lock (Lock)
            if (!File.Exists(path)) Generate(path, size, extra);
        return path;
    }

    /// <summary>Runs the generator itself, writing `path` whether or not it exists.</summary>
    public static void Generate(string path, int size, params string[] extra)
    {
        var script = System.IO.Path.Combine(RepoRoot(), "scripts", "make-wav2lip-test-model.py");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--size", size.ToString(), "--out", path }.Concat(extra)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"the model generator failed (apt-get install python3-onnx?): {errors}");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Mirrorstage.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Mirrorstage.sln not found");
    }
}
