using System.Diagnostics;
using System.Net.WebSockets;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>A worker stopped gracefully (a deploy, a scale-in) hands its live session over at once: the
/// interruption is recorded and the session queued for another worker, without waiting for a lease to lapse;
/// its client is told to reconnect (close 1012) and finds the session live on the other worker.</summary>
[Collection(GatewayCollection.Name)]
public class HandOverTests
{
    [Fact]
    public async Task A_worker_that_shuts_down_hands_its_session_to_another_and_the_client_reconnects()
    {
        await using var rig = await LiveRig.StartAsync(new Dictionary<string, string?> { ["Mirrorstage:Worker:LeaseSeconds"] = "30" });
        await rig.CreateLiveSessionAsync();
        var (other, otherUrl) = await rig.StartAnotherWorkerAsync("e2e-worker-b");
        try
        {
            using var socket = await rig.ConnectAsync();
            var stopping = Stopwatch.StartNew();
            var stop = rig.Worker.StopAsync(); // this client never answers the close: the worker must not wait for it

            var (moving, _) = await LiveRig.ReceiveUntilAsync(socket, "error", TimeSpan.FromSeconds(10));
            Assert.Equal("worker_restarting", moving?["code"]?.GetValue<string>());
            await LiveRig.ReceiveUntilAsync(socket, "(the close frame)", TimeSpan.FromSeconds(5));
            Assert.Equal((WebSocketCloseStatus)1012, socket.CloseStatus);

            SessionResumed? resumed = null;
            while (resumed is null && stopping.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
                resumed = (await rig.Gateway.EventsOfAsync(rig.SessionId)).OfType<SessionResumed>().SingleOrDefault();
            }
            var took = stopping.Elapsed.TotalSeconds;
            Console.WriteLine($"hand-over: resumed on the other worker {took:0.0} s after the stop began (lease 30 s)");
            Assert.True(resumed is not null, string.Join(", ", (await rig.Gateway.EventsOfAsync(rig.SessionId)).Select(e => e.GetType().Name)));
            Assert.Equal("e2e-worker-b", resumed.WorkerId);
            Assert.True(took < 10, $"resumed after {took:0.0} s: that is a lapsed lease, not a hand-over");
            await stop;
            Console.WriteLine($"worker stopped {stopping.Elapsed.TotalSeconds:0.0} s after the stop began");
            var interrupted = (await rig.Gateway.EventsOfAsync(rig.SessionId)).OfType<SessionInterrupted>().Single();
            Assert.Equal("e2e-worker", interrupted.WorkerId);

            // The client reconnects (here straight to the new owner) and streams on.
            using var again = await rig.ConnectAsync(rig.WebSocketUrl.Replace(rig.WorkerUrl.Replace("http://", "ws://"), otherUrl.Replace("http://", "ws://")));
            await again.SendAsync(new byte[16_000], WebSocketMessageType.Binary, true, default);
            await LiveRig.SendTextAsync(again, """{"type":"speak_done"}""");
            Assert.NotNull((await LiveRig.ReceiveUntilAsync(again, "chunk_done", TimeSpan.FromSeconds(15))).Match);
            Assert.NotNull(await LiveRig.ProbeAsync(rig.RtmpUrl));
        }
        finally
        {
            await other.StopAsync();
            await other.DisposeAsync();
        }
    }
}
