using Microsoft.Extensions.Hosting;

namespace Mirrorstage.Imaging.Landmarks;

/// <summary>Reads the landmark model in the background as the host starts, so the first photo does not wait
/// the second or two it takes.</summary>
public sealed class LandmarkModelWarmup(LandmarkDetector detector) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        _ = Task.Run(detector.Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
