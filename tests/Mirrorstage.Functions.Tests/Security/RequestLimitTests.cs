using System.Net;
using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests.Security;

/// <summary>Kestrel's own limits, on a real Kestrel: oversized headers and bodies are refused at the door.</summary>
[Collection(GatewayCollection.Name)]
public class RequestLimitTests
{
    [Fact]
    public async Task Kestrel_refuses_oversized_headers_too_many_headers_and_a_body_beyond_the_photo_limit()
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Mirrorstage:Images:MaxBytes"] = "1048576" });
        gateway.UseKestrel(0);
        gateway.StartServer();
        using var client = gateway.CreateClient();

        var big = new HttpRequestMessage(HttpMethod.Get, "/health");
        big.Headers.TryAddWithoutValidation("X-Filler", new string('a', 40 * 1024));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await client.SendAsync(big)).StatusCode);

        var many = new HttpRequestMessage(HttpMethod.Get, "/health");
        for (var i = 0; i < 80; i++) many.Headers.TryAddWithoutValidation($"X-H{i}", "1");
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await client.SendAsync(many)).StatusCode);

        // 1 MB photos: the body limit is the photo limit plus 2 MB, so 4 MB is refused before the form is read.
        // (Expect: 100-continue, so that the refusal arrives before the client has sent the body.)
        var upload = CreateSession(SessionForm(new byte[4 * 1024 * 1024]));
        upload.Headers.ExpectContinue = true;
        await AssertErrorAsync(await client.SendAsync(upload), 413, "request_too_large");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}
