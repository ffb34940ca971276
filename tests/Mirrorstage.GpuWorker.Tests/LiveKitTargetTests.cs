using System.Text;
using Mirrorstage.Events.LiveKit;
using Mirrorstage.Events.Sessions;
using Mirrorstage.GpuWorker.Output;
using Mirrorstage.Infrastructure.Outputs;
using Mirrorstage.Infrastructure.Storage;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The caller's LiveKit room is checked again by the worker before each join, by the policy its RTMP
/// outputs follow; the gateway's own room is the operator's and is not.</summary>
public sealed class LiveKitTargetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ms-livekit-target-").FullName;
    private readonly FolderBlobStore _blobs;
    private static readonly LiveKitWorkerOptions GatewayLiveKit = new() { Url = "ws://127.0.0.1:7880", ApiKey = "APIkey", ApiSecret = "a-secret-of-at-least-thirty-two-characters" };

    public LiveKitTargetTests() => _blobs = new FolderBlobStore(_folder);
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(LiveKitTarget? Target, string? Failure)> ResolveAsync(string? outputUrl, OutputHostOptions hosts)
    {
        var view = new SessionView { Id = "s-1", OutputProtocol = "livekit", OutputUrl = outputUrl, DurationMinutes = 10 };
        await _blobs.PutAsync(LiveKitTokens.CallerTokenKey(view.Id), Encoding.UTF8.GetBytes("callers.token.jwt"), "text/plain", default);
        return await LiveKitTarget.ResolveAsync(view, GatewayLiveKit, hosts, _blobs, DateTimeOffset.UtcNow, default);
    }

    [Theory]
    [InlineData("wss://localhost/room", "output_url_not_allowed")]           // private, and this worker does not allow it
    [InlineData("wss://10.0.0.7/room", "output_url_not_allowed")]
    [InlineData("wss://169.254.169.254/room", "output_url_not_allowed")]     // cloud metadata
    [InlineData("wss://[64:ff9b::a9fe:a9fe]/room", "output_url_not_allowed")] // metadata behind NAT64
    [InlineData("wss://8.8.8.8:7880/room", "output_port_not_allowed")]       // wss is 443 unless the operator lists more
    [InlineData("ws://8.8.8.8/room", "invalid_output_url")]
    public async Task A_callers_room_the_policy_refuses_is_never_handed_to_the_publisher(string url, string code)
    {
        var (target, failure) = await ResolveAsync(url, new OutputHostOptions());
        Assert.Null(target);
        Assert.Equal(code, failure);
    }

    [Fact]
    public async Task Local_mode_still_refuses_metadata_addresses() =>
        Assert.Equal("output_url_not_allowed", (await ResolveAsync("wss://169.254.169.254/room", new() { AllowPrivateHosts = true })).Failure);

    [Fact]
    public async Task A_public_callers_room_on_443_is_joined_with_the_callers_token()
    {
        var (target, failure) = await ResolveAsync("wss://8.8.8.8/room", new OutputHostOptions());
        Assert.Null(failure);
        Assert.Equal(new LiveKitTarget("wss://8.8.8.8/room", "callers.token.jwt"), target);
    }

    [Fact]
    public async Task The_gateways_own_room_is_the_operators_and_is_not_checked()
    {
        var (target, failure) = await ResolveAsync(null, new OutputHostOptions()); // a loopback LiveKit, private hosts refused
        Assert.Null(failure);
        Assert.Equal(GatewayLiveKit.Url, target!.Url);
    }
}
