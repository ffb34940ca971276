using Mirrorstage.GpuWorker.Measurement;
using Mirrorstage.GpuWorker.Rendering;
using OpenCvSharp;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The fixture speech rendered on the fixture face through the articulation, engine and H.264/AAC
/// encoder, read back with ffmpeg, and the landmarks fitted on every decoded frame.</summary>
public class TheVideoSpeaksTests
{
    [Fact]
    public async Task The_inner_lip_gap_follows_the_speech_and_closes_in_silence()
    {
        var pcm = await File.ReadAllBytesAsync(Fixtures.Path("audio", "welcome_16k.pcm"));
        var speech = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, speech, 0, pcm.Length);
        var face = Landmarks.FixtureFace.Image;
        using var crop = Cv2.ImDecode(face.CropPng, ImreadModes.Color);
        using var engine = new ProceduralEngine(crop, face.Landmarks, 512, 512);
        var video = Path.Combine(Path.GetTempPath(), $"ms-speaks-{Guid.NewGuid():N}.flv");
        try
        {
            await OfflineRender.RenderAsync(engine, speech, video, 512, 512);
            var result = await SpeechVideoCheck.MeasureAsync(video, face.Landmarks.ScaledTo(512, 512), Landmarks.FixtureFace.Landmarks);

            Assert.True(result.Frames >= 190, $"{result.Frames} frames decoded");
            Assert.True(result.Correlation >= 0.6, $"gap vs loudness r = {result.Correlation:0.00}");
            Assert.True(result.SilentGap < 0.06, $"gap in silence {result.SilentGap:0.000} of the mouth's width");
            Assert.True(result.SpeakingGap > result.SilentGap + 0.06, $"gap speaking {result.SpeakingGap:0.000}");
            Assert.True(result.InteriorInside > 0.85, $"{result.InteriorInside:P0} of the dark interior inside the fitted inner lips");
        }
        finally
        {
            File.Delete(video);
        }
    }
}
