namespace Mirrorstage.GpuWorker;

internal static class WorkerProgram
{
    private static Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "bench" => Bench.WorkerBench.RunAsync(args),
        "bench-neural" => Bench.NeuralBench.RunAsync(args),
        "bench-encode" => Bench.EncodeBench.RunAsync(args),
        _ => RunAsync(args),
    };

    private static async Task<int> RunAsync(string[] args)
    {
        await WorkerHost.Build(args).RunAsync();
        return 0;
    }
}
