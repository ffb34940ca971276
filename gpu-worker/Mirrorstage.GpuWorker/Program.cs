using Mirrorstage.GpuWorker;

await WorkerHost.Build(args).RunAsync();
