namespace Mirrorstage.GpuWorker;

internal static class WorkerProgram
{
    private static Task<int> Main(string[] args) =>
        args.FirstOrDefault() == "bench" ? Bench.WorkerBench.RunAsync(args) : RunAsync(args);

    private static async Task<int> RunAsync(string[] args)
    {
        await WorkerHost.Build(args).RunAsync();
        return 0;
    }
}
