using Mirrorstage.Infrastructure.Outputs;
using Mirrorstage.GpuWorker.Output;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The worker's connect-time check: ffmpeg gets the checked address, the original name only where the
/// protocol carries it.</summary>
public class OutputConnectionTests
{
    private static readonly OutputHostOptions Local = new() { AllowPrivateHosts = true };

    [Fact]
    public async Task A_name_is_resolved_once_and_ffmpeg_connects_to_that_address()
    {
        var target = await OutputConnection.ResolveAsync("rtmp://localhost/live/key-1", Local, default);
        Assert.Equal("rtmp://127.0.0.1:1935/live/key-1", target.Url);
        Assert.Equal([("rtmp_tcurl", "rtmp://localhost/live")], target.Options);
    }

    [Fact]
    public async Task An_application_with_an_instance_keeps_both_in_tcUrl()
    {
        var target = await OutputConnection.ResolveAsync("rtmp://localhost:1935/app/instance/key", Local, default);
        Assert.Equal("rtmp://127.0.0.1:1935/app/instance/key", target.Url);
        Assert.Equal([("rtmp_tcurl", "rtmp://localhost:1935/app/instance")], target.Options);
    }

    [Fact]
    public async Task RTMPS_names_the_original_host_for_TLS()
    {
        var target = await OutputConnection.ResolveAsync("rtmps://localhost/live2/key", Local, default);
        Assert.Equal("rtmps://127.0.0.1:443/live2/key", target.Url);
        Assert.Contains(("verifyhost", "localhost"), target.Options);
    }

    [Theory]
    [InlineData("rtmp://localhost/live/k", "output_url_not_allowed")]        // private, and the worker does not allow it
    [InlineData("rtmp://169.254.169.254/live/k", "output_url_not_allowed")]
    [InlineData("rtmp://[64:ff9b::a9fe:a9fe]/live/k", "output_url_not_allowed")]
    [InlineData("rtmp://8.8.8.8:6379/live/k", "output_port_not_allowed")]
    [InlineData("http://8.8.8.8/live/k", "invalid_output_url")]
    public async Task What_the_policy_refuses_is_never_handed_to_ffmpeg(string url, string code)
    {
        var e = await Assert.ThrowsAsync<OutputHostRefused>(() => OutputConnection.ResolveAsync(url, new OutputHostOptions(), default));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public async Task Local_mode_still_refuses_metadata_addresses()
    {
        var e = await Assert.ThrowsAsync<OutputHostRefused>(() => OutputConnection.ResolveAsync("rtmp://169.254.169.254/live/k", Local, default));
        Assert.Equal("output_url_not_allowed", e.Code);
    }
}
