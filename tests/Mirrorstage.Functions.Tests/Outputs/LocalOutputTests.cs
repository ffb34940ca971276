using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.Outputs;

/// <summary>Local mode allows loopback and private output hosts, never link-local, metadata or unlisted ports.</summary>
[Collection(GatewayCollection.Name)]
public class LocalOutputTests(FreeGateway gateway)
{
    [Theory]
    [InlineData("rtmp://169.254.169.254/live/k", "output_url_not_allowed")]
    [InlineData("rtmp://[fe80::1]/live/k", "output_url_not_allowed")]
    [InlineData("rtmp://[fd00:ec2::254]/live/k", "output_url_not_allowed")]
    [InlineData("rtmp://[64:ff9b::a9fe:a9fe]/live/k", "output_url_not_allowed")]
    [InlineData("rtmp://127.0.0.1:5432/live/k", "output_port_not_allowed")]
    public async Task Local_mode_still_refuses(string url, string code)
    {
        var before = await gateway.CountEventsAsync();
        await AssertErrorAsync(await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: url))), 400, code);
        Assert.Equal(before, await gateway.CountEventsAsync());
    }

    [Fact]
    public async Task Local_mode_takes_a_loopback_ingest_on_an_allowed_port()
    {
        var response = await gateway.CreateClient().SendAsync(CreateSession(SessionForm(TestImages.Astronaut, outputUrl: "rtmp://127.0.0.1:1935/live/k")));
        Assert.Equal(201, (int)response.StatusCode);
    }
}
