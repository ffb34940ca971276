return await Mirrorstage.Bench.Worker.WorkerBench.RunAsync(args);
