using Mirrorstage.Functions.Tests.Support;
using static Mirrorstage.Functions.Tests.Support.Requests;

namespace Mirrorstage.Functions.Tests;

[Collection(GatewayCollection.Name)]
public class ViewPageTests(FreeGateway gateway)
{
    [Fact]
    public async Task The_view_page_plays_for_a_valid_share_link_and_says_plainly_when_the_link_is_bad()
    {
        var client = gateway.CreateClient();
        var created = await JsonAsync(await client.SendAsync(CreateSession(SessionForm(TestImages.Astronaut))));
        var viewUrl = new Uri(created["view_url"]!.GetValue<string>());

        var page = await client.GetAsync(viewUrl.PathAndQuery);
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<video", html);
        Assert.DoesNotContain("controls", html);
        Assert.Contains("<script src=\"/view/assets/view.js\"></script>", html);

        foreach (var bad in new[] { viewUrl.AbsolutePath + "?share=sh_not-this-one", viewUrl.AbsolutePath, "/view/not-a-session?share=sh_x" })
        {
            var refused = await client.GetAsync(bad);
            Assert.Equal(401, (int)refused.StatusCode);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.Contains("This view link is not valid", text);
            Assert.DoesNotContain("<script", text);
        }
    }
}
