using System.Net;
using Mirrorstage.GpuWorker.Streaming;

namespace Mirrorstage.GpuWorker.Tests;

public sealed class InternalAddressTests
{
    [Fact]
    public void Auto_is_this_hosts_own_network_address_on_the_listening_port()
    {
        var url = new Uri(InternalAddress.Resolve("auto", "http://+:8181")!);

        Assert.Equal(8181, url.Port);
        Assert.False(IPAddress.IsLoopback(IPAddress.Parse(url.Host)));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("http://worker-3.internal:8080", "http://worker-3.internal:8080")]
    public void A_configured_address_is_kept_as_it_is(string? configured, string? expected) =>
        Assert.Equal(expected, InternalAddress.Resolve(configured, "http://+:8080"));

    [Theory]
    [InlineData(null, 8080)]
    [InlineData("http://+:9000", 9000)]
    [InlineData("http://127.0.0.1:5080;https://+:5443", 5080)]
    public void The_port_comes_from_the_first_listening_url(string? urls, int port) => Assert.Equal(port, InternalAddress.PortOf(urls));
}
