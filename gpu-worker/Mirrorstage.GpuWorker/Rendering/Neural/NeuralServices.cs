using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mirrorstage.GpuWorker.Rendering.Neural;

public static class NeuralServices
{
    /// <summary>The engine selection and, when it is wav2lip-onnx, the model loaded at start-up. Register before
    /// the services that start sessions: hosted services start in order.</summary>
    public static IServiceCollection AddRenderEngines(this IServiceCollection services)
    {
        services.AddOptions<NeuralOptions>().BindConfiguration(NeuralOptions.Section);
        services.TryAddSingleton<NeuralMetrics>();
        services.AddSingleton<NeuralRuntime>();
        services.AddHostedService(sp => sp.GetRequiredService<NeuralRuntime>());
        services.AddSingleton<RenderEngines>();
        return services;
    }
}
