namespace Mirrorstage.GpuWorker;

internal static class WorkerProgram
{
    private static async Task Main(string[] args) => await WorkerHost.Build(args).RunAsync();
}
