using Mirrorstage.GpuWorker.Output;

namespace Mirrorstage.GpuWorker.Tests.Publishers;

/// <summary>scripted-publisher.mjs beside this file: a stand-in for the LiveKit publisher that plays a scenario.</summary>
internal static class ScriptedPublisher
{
    public static string Script { get; } = Find();

    public static LiveKitWorkerOptions Options => new() { PublisherScript = Script, ConnectTimeoutSeconds = 10 };

    /// <summary>The room the scenario is played in (the script reads the scenario from its URL).</summary>
    public static LiveKitTarget Room(string scenario) => new($"ws://127.0.0.1:9/?scenario={scenario}", "a.b.c");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Mirrorstage.GpuWorker.Tests", "Publishers", "scripted-publisher.mjs");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("scripted-publisher.mjs not found above " + AppContext.BaseDirectory);
    }
}
