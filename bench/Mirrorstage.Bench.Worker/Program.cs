// `neural model.onnx [face.png]`: the wav2lip-onnx engine; `encode [face.png]`: x264 cost per preset;
// anything else: the procedural worker benchmark.
return args.FirstOrDefault() switch
{
    "neural" => await Mirrorstage.Bench.Worker.NeuralBench.RunAsync(args[1..]),
    "encode" => await Mirrorstage.Bench.Worker.EncodeBench.RunAsync(args[1..]),
    _ => await Mirrorstage.Bench.Worker.WorkerBench.RunAsync(args),
};
