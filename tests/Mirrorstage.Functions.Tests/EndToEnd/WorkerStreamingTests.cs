using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker.Messaging;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>Real parts end to end: gateway → RabbitMQ → worker → nginx-rtmp, read back with ffprobe.</summary>
[Collection(GatewayCollection.Name)]
public class WorkerStreamingTests
{
    [Fact]
    public async Task A_session_goes_live_on_RTMP_as_H264_and_AAC_at_25fps_and_DELETE_stops_it()
    {
        await using var rig = await LiveRig.StartAsync();
        var status = await rig.CreateLiveSessionAsync();
        Assert.InRange(status["remaining_seconds"]!.GetValue<long>(), 895, 900);

        var streams = await LiveRig.ProbeAsync(rig.RtmpUrl);
        Assert.NotNull(streams);
        var video = streams.Single(s => s!["codec_type"]!.GetValue<string>() == "video")!;
        var audio = streams.Single(s => s!["codec_type"]!.GetValue<string>() == "audio")!;
        Assert.Equal(("h264", 512, 512), (video["codec_name"]!.GetValue<string>(), video["width"]!.GetValue<int>(), video["height"]!.GetValue<int>()));
        Assert.Equal("25/1", video["r_frame_rate"]!.GetValue<string>());
        Assert.Equal("aac", audio["codec_name"]!.GetValue<string>());

        var ended = await JsonAsync(await rig.Client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{rig.SessionId}", rig.Token)));
        Assert.Equal("ended", ended["status"]!.GetValue<string>());
        Assert.True(ended["gpu_seconds_used"]!.GetValue<long>() >= 1);

        // The worker follows the store: the session's render stops and its slot is free again.
        var consumer = rig.Worker.Services.GetServices<IHostedService>().OfType<WarmRequestConsumer>().Single();
        var deadline = Stopwatch.StartNew();
        while (consumer.ActiveSessions > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        Assert.Equal(0, consumer.ActiveSessions);

        var events = await rig.Gateway.EventsOfAsync(rig.SessionId);
        Assert.Equal("e2e-worker", events.OfType<SessionClaimed>().Single().WorkerId);
        Assert.Single(events.OfType<SessionActivated>());
        Assert.Equal("deleted", events.OfType<SessionEnded>().Single().Reason);
    }

    [Fact]
    public async Task A_recorded_session_keeps_an_MP4_of_what_it_streamed_in_the_blob_store()
    {
        var folder = Directory.CreateTempSubdirectory("ms-recordings-").FullName;
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?>
        {
            ["Mirrorstage:Worker:Record"] = "true",
            ["Mirrorstage:Worker:RecordingFolder"] = folder,
        });
        await rig.CreateLiveSessionAsync();
        Assert.NotNull(await LiveRig.ProbeAsync(rig.RtmpUrl)); // the live output still works beside the recording
        using (var socket = await rig.ConnectAsync())
        {
            await socket.SendAsync(await File.ReadAllBytesAsync(Path.Combine(TestEnvironment.SharedFixtures, "audio", "welcome.mp3")), System.Net.WebSockets.WebSocketMessageType.Binary, true, default);
            await LiveRig.SendTextAsync(socket, """{"type":"speak_done"}""");
            Assert.NotNull((await LiveRig.ReceiveUntilAsync(socket, "chunk_done", TimeSpan.FromSeconds(15))).Match);
        }
        await rig.Client.SendAsync(WithBearer(HttpMethod.Delete, $"/v1/sessions/{rig.SessionId}", rig.Token));

        RecordingStored? stored = null;
        for (var i = 0; i < 100 && stored is null; i++)
        {
            await Task.Delay(100);
            stored = (await rig.Gateway.EventsOfAsync(rig.SessionId)).OfType<RecordingStored>().SingleOrDefault();
        }
        Assert.NotNull(stored);
        Assert.Equal("e2e-worker", stored.WorkerId);
        Assert.StartsWith($"recordings/{rig.SessionId}/", stored.BlobKey);
        await using (var query = rig.Gateway.Store.QuerySession())
            Assert.Equal([stored.BlobKey], (await query.LoadAsync<SessionView>(rig.SessionId))!.Recordings);

        var file = Path.Combine(rig.Gateway.BlobFolder, stored.BlobKey);
        Assert.Equal(stored.Bytes, new FileInfo(file).Length);
        Assert.Empty(Directory.GetFiles(folder)); // moved, not copied
        var probe = await LiveRig.ProbeAllAsync(file);
        var streams = probe?["streams"]?.AsArray();
        Assert.NotNull(streams);
        var video = streams.Single(s => s!["codec_type"]!.GetValue<string>() == "video")!;
        Assert.Equal(("h264", 512, 512, "25/1"), (video["codec_name"]!.GetValue<string>(), video["width"]!.GetValue<int>(), video["height"]!.GetValue<int>(), video["r_frame_rate"]!.GetValue<string>()));
        Assert.Equal("aac", streams.Single(s => s!["codec_type"]!.GetValue<string>() == "audio")!["codec_name"]!.GetValue<string>());
        var seconds = double.Parse(probe!["format"]!["duration"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"recording: {stored.Bytes} bytes, {seconds:0.0} s");
        Assert.InRange(seconds, 6.0, 60); // at least the 6 s of speech it carried
    }
}
