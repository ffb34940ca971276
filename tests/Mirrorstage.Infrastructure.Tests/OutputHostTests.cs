using System.Net;
using Mirrorstage.Infrastructure.Outputs;

namespace Mirrorstage.Infrastructure.Tests;

/// <summary>The one output-host policy of the gateway and the worker.</summary>
public class OutputHostTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("198.18.0.1")]
    [InlineData("::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fc00::1")]
    public void Loopback_and_private_addresses_are_private(string ip) =>
        Assert.Equal(AddressKind.Private, OutputAddresses.Classify(IPAddress.Parse(ip)));

    [Theory]
    [InlineData("169.254.169.254")]            // cloud metadata
    [InlineData("169.254.1.1")]                // link-local
    [InlineData("168.63.129.16")]              // Azure wire server
    [InlineData("100.100.100.200")]            // Alibaba metadata (inside CGNAT)
    [InlineData("fd00:ec2::254")]              // AWS metadata over IPv6 (inside ULA)
    [InlineData("fe80::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]            // IPv4-mapped
    [InlineData("::ffff:8.8.8.8")]             // IPv4-mapped, even of a public address: write it as IPv4
    [InlineData("::10.0.0.1")]                 // IPv4-compatible
    [InlineData("::169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]             // NAT64 of 10.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")]         // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::a00:1")]           // local-use NAT64
    [InlineData("2002:a00:1::1")]              // 6to4 of 10.0.0.1
    [InlineData("2002:7f00:1::1")]             // 6to4 of 127.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("100::1")]                     // discard prefix
    public void Link_local_metadata_and_IPv4_carrying_forms_are_forbidden(string ip)
    {
        Assert.Equal(AddressKind.Forbidden, OutputAddresses.Classify(IPAddress.Parse(ip)));
        Assert.False(OutputAddresses.Allowed(IPAddress.Parse(ip), allowPrivate: true)); // not even in local mode
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.1.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001::200e")]
    public void Public_addresses_are_public(string ip) =>
        Assert.Equal(AddressKind.Public, OutputAddresses.Classify(IPAddress.Parse(ip)));

    [Fact]
    public void Private_hosts_pass_only_where_the_operator_allows_them()
    {
        Assert.False(OutputAddresses.Allowed(IPAddress.Loopback, allowPrivate: false));
        Assert.True(OutputAddresses.Allowed(IPAddress.Loopback, allowPrivate: true));
    }

    [Theory]
    [InlineData("rtmp://8.8.8.8/live/k", 1935)]
    [InlineData("rtmps://8.8.8.8/live/k", 443)]
    [InlineData("rtmp://8.8.8.8:443/live/k", 443)]
    [InlineData("wss://8.8.8.8", 443)]
    public async Task Allowed_ports_pass_with_the_address_checked(string url, int port)
    {
        var endpoint = await OutputHosts.ResolveAsync(new Uri(url), new OutputHostOptions(), default);
        Assert.Equal((IPAddress.Parse("8.8.8.8"), port), (endpoint.Address, endpoint.Port));
    }

    [Theory]
    [InlineData("rtmp://8.8.8.8:8080/live/k")]
    [InlineData("rtmp://8.8.8.8:22/live/k")]
    [InlineData("wss://8.8.8.8:6379")]
    public async Task Other_ports_are_refused(string url)
    {
        var e = await Assert.ThrowsAsync<OutputHostRefused>(() => OutputHosts.ResolveAsync(new Uri(url), new OutputHostOptions(), default));
        Assert.Equal("output_port_not_allowed", e.Code);
    }

    [Fact]
    public async Task The_allowed_ports_are_a_setting()
    {
        var options = new OutputHostOptions { AllowedPorts = "8080" };
        Assert.Equal(8080, (await OutputHosts.ResolveAsync(new Uri("rtmp://8.8.8.8:8080/live/k"), options, default)).Port);
        await Assert.ThrowsAsync<OutputHostRefused>(() => OutputHosts.ResolveAsync(new Uri("rtmp://8.8.8.8/live/k"), options, default));
    }

    [Fact]
    public async Task A_name_is_refused_when_it_resolves_inside()
    {
        var e = await Assert.ThrowsAsync<OutputHostRefused>(() => OutputHosts.ResolveAsync(new Uri("rtmp://localhost/live/k"), new OutputHostOptions(), default));
        Assert.Equal("output_url_not_allowed", e.Code);
    }
}
