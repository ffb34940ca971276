using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mirrorstage.Imaging;

public static class ImagingServices
{
    /// <summary>Reference-photo processing, bound from "Mirrorstage:Images". Safe to call from both the gateway
    /// and the worker in the all-in-one process: one detector serves both.</summary>
    public static IServiceCollection AddReferenceImages(this IServiceCollection services)
    {
        services.AddOptions<ImageOptions>().BindConfiguration(ImageOptions.Section);
        services.TryAddSingleton<FaceDetector>();
        services.TryAddSingleton<Landmarks.LandmarkDetector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, Landmarks.LandmarkModelWarmup>());
        services.TryAddSingleton<ReferenceImageProcessor>();
        return services;
    }
}
