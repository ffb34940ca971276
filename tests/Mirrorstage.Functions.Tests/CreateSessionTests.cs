using Mirrorstage.Events.Sessions;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class CreateSessionTests(FreeGateway gateway)
{
    [Fact]
    public async Task A_free_session_is_created_warming_with_every_documented_field()
    {
        var response = await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: "rtmp://127.0.0.1:1935/live/key")));
        Assert.Equal(201, (int)response.StatusCode);
        var json = await JsonAsync(response);

        var id = json["session_id"]!.GetValue<string>();
        var token = json["token"]!.GetValue<string>();
        Assert.StartsWith("sk_", token);
        Assert.Equal("warming", json["status"]!.GetValue<string>());
        Assert.Equal("rtmp", json["output_protocol"]!.GetValue<string>());
        Assert.Null(json["livekit_url"]);
        Assert.StartsWith($"https://render.test/view/{id}?share=sh_", json["view_url"]!.GetValue<string>());
        Assert.Equal($"wss://render.test/v1/sessions/{id}/stream?token={token}", json["websocket_url"]!.GetValue<string>());
        Assert.Equal($"https://render.test/v1/sessions/{id}", json["status_url"]!.GetValue<string>());
        Assert.Equal(120, json["estimated_ready_seconds"]!.GetValue<int>()); // no live worker here: the cold start
        Assert.Equal(15, json["duration_minutes"]!.GetValue<int>());
        Assert.Equal(0m, json["price_usd"]!.GetValue<decimal>());
        Assert.True(json.ContainsKey("wallet"));

        var events = await gateway.EventsOfAsync(id);
        var created = Assert.IsType<SessionCreated>(events[0]);
        Assert.IsType<ShareLinkCreated>(events[1]);
        Assert.Equal(2, events.Count);
        Assert.DoesNotContain(token, created.TokenHash); // only the hash is stored
        Assert.Equal(64, created.TokenHash.Length);
        Assert.Equal("rtmp://127.0.0.1:1935/live/key", created.OutputUrl);

        Assert.True(File.Exists(Path.Combine(gateway.BlobFolder, created.Reference.OriginalKey)));
        var crop = OpenCvSharp.Cv2.ImRead(Path.Combine(gateway.BlobFolder, created.Reference.CropKey));
        Assert.Equal((created.Reference.CropSize, created.Reference.CropSize), (crop.Width, crop.Height));
    }

    [Fact]
    public async Task A_JPEG_is_accepted_by_content_whatever_its_name()
    {
        var response = await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.AstronautJpeg, "photo.png", duration: "10")));
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(10, (await JsonAsync(response))["duration_minutes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_an_output_url_and_without_LiveKit_the_local_preview_is_used()
    {
        var json = await JsonAsync(await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        Assert.Equal("hls", json["output_protocol"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_created_session_is_queued_for_a_worker()
    {
        var queue = gateway.Services.GetService(typeof(Infrastructure.Messaging.InProcessWarmQueue)) as Infrastructure.Messaging.InProcessWarmQueue;
        var json = await JsonAsync(await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var id = json["session_id"]!.GetValue<string>();
        var seen = new List<string>();
        while (queue!.Reader.TryRead(out var message)) seen.Add(message.SessionId);
        Assert.Contains(id, seen);
    }
}

/// <summary>With the AMQP transport configured, a created session's warm request reaches the broker.</summary>
[Collection(GatewayCollection.Name)]
public class AmqpQueueTests
{
    [Fact]
    public async Task A_created_session_is_queued_on_the_broker()
    {
        var queueName = "gateway-warm-" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Mirrorstage:Queue:Transport"] = "amqp",
            ["Mirrorstage:Queue:QueueName"] = queueName,
            ["Mirrorstage:Queue:Address"] = Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AMQP") ?? "amqp://guest:guest@127.0.0.1:5672",
        });
        var json = await JsonAsync(await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));

        await using var receiver = new Infrastructure.Messaging.AmqpWarmReceiver(new Infrastructure.Messaging.QueueOptions { QueueName = queueName, Address = Environment.GetEnvironmentVariable("MIRRORSTAGE_TEST_AMQP") ?? "amqp://guest:guest@127.0.0.1:5672" });
        await receiver.ConnectAsync();
        string? received = null;
        Assert.True(await receiver.ReceiveOneAsync((m, _) => { received = m.SessionId; return Task.FromResult(Events.Messaging.WarmOutcome.Done); }, TimeSpan.FromSeconds(5), default));
        Assert.Equal(json["session_id"]!.GetValue<string>(), received);
    }
}
