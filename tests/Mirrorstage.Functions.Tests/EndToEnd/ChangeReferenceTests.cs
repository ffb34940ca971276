using System.Net.WebSockets;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>change_reference over the socket: bad photos are refused with the create endpoint's codes and
/// record nothing; a good one is recorded as ReferenceChanged and appears in the received video as one cut.</summary>
[Collection(GatewayCollection.Name)]
public class ChangeReferenceTests
{
    [Fact]
    public async Task A_new_face_replaces_the_old_one_in_one_frame_and_bad_photos_change_nothing()
    {
        await using var rig = await LiveRig.StartAsync();
        await rig.CreateLiveSessionAsync();
        var capture = LiveRig.CaptureAsync(rig.RtmpUrl, seconds: 9);
        using var socket = await rig.ConnectAsync();
        await Task.Delay(1500);
        var before = await rig.Gateway.EventsOfAsync(rig.SessionId);

        await LiveRig.ExpectErrorAsync(socket, """{"type":"change_reference"}""", "reference_image_required");
        await LiveRig.ExpectErrorAsync(socket, """{"type":"change_reference","reference_image_b64":42}""", "reference_image_required");
        await LiveRig.ExpectErrorAsync(socket, """{"type":"change_reference","reference_image_b64":"not base64 at all!"}""", "invalid_image");
        await LiveRig.ExpectErrorAsync(socket, Change(TestImages.Gif), "unsupported_image_type");
        await LiveRig.ExpectErrorAsync(socket, Change(TestImages.TruncatedPng), "invalid_image");
        await LiveRig.ExpectErrorAsync(socket, Change(TestImages.HugePng()), "image_too_many_pixels");
        await LiveRig.ExpectErrorAsync(socket, Change(TestImages.Cat), "no_face_detected");
        await LiveRig.ExpectErrorAsync(socket, Change(TestImages.Blank()), "no_face_detected");
        Assert.Equal(before.Count, (await rig.Gateway.EventsOfAsync(rig.SessionId)).Count);

        // The same face again is no change at all.
        await LiveRig.SendTextAsync(socket, Change(TestImages.Astronaut));
        // A data URL, as a browser's FileReader makes it, with a different face.
        var sent = System.Diagnostics.Stopwatch.StartNew();
        await LiveRig.SendTextAsync(socket, """{"type":"change_reference","reference_image_b64":"data:image/png;base64,""" + Convert.ToBase64String(TestImages.OtherFace) + "\"}");
        var (changed, seen) = await LiveRig.ReceiveUntilAsync(socket, "reference_changed", TimeSpan.FromSeconds(10));
        Assert.True(changed is not null, string.Join(", ", seen.Select(m => m.ToJsonString())));
        Assert.DoesNotContain(seen, m => m["type"]!.GetValue<string>() == "error");
        Console.WriteLine($"change_reference to reference_changed: {sent.Elapsed.TotalMilliseconds:0} ms ({TestImages.OtherFace.Length / 1024} KB PNG)");

        var after = await rig.Gateway.EventsOfAsync(rig.SessionId);
        var change = Assert.Single(after.OfType<ReferenceChanged>());
        Assert.Equal(before.Count + 1, after.Count);
        await using (var query = rig.Gateway.Store.QuerySession())
            Assert.Equal(change.Reference.CropKey, (await query.LoadAsync<SessionView>(rig.SessionId))!.Reference!.CropKey);

        // In the received video the face changes once, at one frame; before and after it only breathes and blinks.
        var (video, _) = await capture;
        var steps = FrameSteps(video);
        var cut = steps.Select((d, i) => (d, i)).MaxBy(s => s.d);
        var rest = steps.Where((_, i) => Math.Abs(i - cut.i) > 2).Max();
        Console.WriteLine($"face change: largest frame-to-frame change {cut.d:0.0} at frame {cut.i}; largest elsewhere {rest:0.0}");
        Assert.True(cut.d > 15 && cut.d > 5 * rest, $"cut {cut.d:0.0}, elsewhere {rest:0.0}");

        // The session kept going: audio still plays through the new face.
        await socket.SendAsync(new byte[16_000], WebSocketMessageType.Binary, true, default);
        await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
        Assert.NotNull((await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(10))).Match);
    }

    [Fact]
    public async Task The_face_of_an_ended_session_cannot_change()
    {
        await using var rig = await LiveRig.StartAsync();
        await rig.CreateLiveSessionAsync();
        var faces = rig.Worker.Services.GetRequiredService<GpuWorker.Sessions.ReferenceChanger>();
        Assert.Equal(200, (int)(await rig.Client.SendAsync(Requests.WithBearer(HttpMethod.Delete, $"/v1/sessions/{rig.SessionId}", rig.Token))).StatusCode);
        var refused = await faces.ChangeAsync(rig.SessionId, Convert.ToBase64String(TestImages.OtherFace), default);
        Assert.Equal("session_not_open", refused?.Code);
        Assert.Empty((await rig.Gateway.EventsOfAsync(rig.SessionId)).OfType<ReferenceChanged>());
    }

    private static string Change(byte[] image) =>
        """{"type":"change_reference","reference_image_b64":""" + "\"" + Convert.ToBase64String(image) + "\"}";


    /// <summary>Mean absolute change of the whole gray frame between consecutive 512x512 frames.</summary>
    private static double[] FrameSteps(byte[] video, int size = 512)
    {
        var frame = size * size;
        var steps = new double[video.Length / frame - 1];
        for (var f = 1; f <= steps.Length; f++)
        {
            long sum = 0;
            for (var i = 0; i < frame; i += 3) sum += Math.Abs(video[f * frame + i] - video[(f - 1) * frame + i]);
            steps[f - 1] = sum / (frame / 3.0);
        }
        return steps;
    }
}
