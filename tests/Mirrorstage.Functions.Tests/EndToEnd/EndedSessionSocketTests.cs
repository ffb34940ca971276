using System.Net.WebSockets;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using Mirrorstage.GpuWorker.Streaming;
using Microsoft.Extensions.DependencyInjection;

namespace Mirrorstage.Functions.Tests.EndToEnd;

/// <summary>The store, not the worker's memory, decides whether a token opens the socket.</summary>
[Collection(GatewayCollection.Name)]
public class EndedSessionSocketTests
{
    [Fact]
    public async Task An_ended_sessions_token_does_not_open_the_socket_even_while_its_render_is_still_in_memory()
    {
        var worker = LiveRig.BuildWorker("e2e-none-" + Guid.NewGuid().ToString("N")[..8], "http://127.0.0.1:0", Path.GetTempPath(), "ended-worker", null);
        await worker.StartAsync();
        var url = worker.Urls.Single(); // the port the system gave
        try
        {
            // A session that went live here and has just been ended (DELETE) in the store; its render has not
            // noticed yet, so it is still among this worker's live sessions.
            var (id, token) = (Guid.NewGuid().ToString(), "sk_" + Guid.NewGuid().ToString("N"));
            var t0 = DateTimeOffset.UtcNow;
            await using (var session = worker.Services.GetRequiredService<Marten.IDocumentStore>().LightweightSession())
            {
                session.Events.StartStream<Session>(id,
                    new SessionCreated(id, TokenHashes.Of(token), new ReferenceImage("r", "c", 256), "hls", null, 15, 0, null, t0),
                    new SessionClaimed(id, "ended-worker", t0),
                    new SessionActivated(id, "ended-worker", t0, t0.AddMinutes(15)),
                    new SessionEnded(id, "deleted", 1, t0.AddSeconds(1)));
                await session.SaveChangesAsync();
            }
            worker.Services.GetRequiredService<LiveSessions>().Add(new LiveSession(id, TokenHashes.Of(token), 16_000));

            using var socket = new ClientWebSocket();
            var e = await Assert.ThrowsAsync<WebSocketException>(() =>
                socket.ConnectAsync(new Uri($"{url.Replace("http", "ws")}/v1/sessions/{id}/stream?token={token}"), default));
            Assert.Contains("410", e.Message);
        }
        finally
        {
            await worker.StopAsync();
            await worker.DisposeAsync();
        }
    }
}
