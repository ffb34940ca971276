namespace Mirrorstage.GpuWorker.Tests;

/// <summary>Files under shared/fixtures beside the repository (or beside a folder holding its worktree).</summary>
internal static class Fixtures
{
    private static readonly string Root = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(System.IO.Path.Combine(dir.FullName, "shared", "fixtures"))) dir = dir.Parent;
        return System.IO.Path.Combine(dir?.FullName ?? throw new InvalidOperationException("shared/fixtures not found above the tests"), "shared", "fixtures");
    }
}
