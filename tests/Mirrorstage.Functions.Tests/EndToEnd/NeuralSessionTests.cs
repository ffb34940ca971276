using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker.Rendering.Neural;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>The wav2lip-onnx engine wired as an operator turns it on: the worker built by WorkerHost with
/// Engine=wav2lip-onnx and a generated 96 px model loads it at start-up, and a session created on the gateway
/// renders through it (RenderEngines, via SessionRuntime) to RTMP, read back with ffprobe.</summary>
[Collection(GatewayCollection.Name)]
public class NeuralSessionTests
{
    [Fact]
    public async Task A_worker_configured_for_wav2lip_onnx_streams_the_models_frames_with_video_and_audio()
    {
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?>
        {
            ["Mirrorstage:Worker:Engine"] = RenderEngines.Wav2LipOnnx,
            ["Mirrorstage:Worker:Neural:ModelPath"] = GpuWorker.Tests.TestModels.Path(96),
        });
        Assert.Equal(96, rig.Worker.Services.GetRequiredService<NeuralRuntime>().Model.Size); // loaded at start-up

        await rig.CreateLiveSessionAsync();
        var streams = await LiveRig.ProbeAsync(rig.RtmpUrl);
        Assert.NotNull(streams);
        var video = streams.Single(s => s!["codec_type"]!.GetValue<string>() == "video")!;
        Assert.Equal(("h264", 512, 512, "25/1"), (video["codec_name"]!.GetValue<string>(), video["width"]!.GetValue<int>(), video["height"]!.GetValue<int>(), video["r_frame_rate"]!.GetValue<string>()));
        Assert.Equal("aac", streams.Single(s => s!["codec_type"]!.GetValue<string>() == "audio")!["codec_name"]!.GetValue<string>());

        // The session's frames are the neural engine's: past its warm-up, the model made mouths for them.
        var metrics = rig.Worker.Services.GetRequiredService<NeuralMetrics>();
        for (var i = 0; i < 100 && metrics.ModelFrames == 0; i++) await Task.Delay(100);
        Assert.True(metrics.WarmupFrames > 0 && metrics.ModelFrames > 0,
            $"{metrics.WarmupFrames} warm-up, {metrics.ModelFrames} from the model, {metrics.FallbackFrames} fell back");
    }
}
