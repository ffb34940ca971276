namespace Mirrorstage.GpuWorker;

internal static class WorkerProgram
{
    private static Task Main(string[] args) => WorkerHost.Build(args).RunAsync();
}
