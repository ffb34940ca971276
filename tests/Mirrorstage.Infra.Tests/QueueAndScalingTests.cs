namespace Mirrorstage.Infra.Tests;

public sealed class QueueAndScalingTests(CompiledTemplate arm) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void The_warm_queue_detects_duplicates_retries_and_dead_letters()
    {
        var queue = CompiledTemplate.Resources(arm.ModuleTemplate("queue"))
            .Single(r => r.Resource["type"]!.ToString() == "Microsoft.ServiceBus/namespaces/queues").Resource["properties"]!;

        Assert.True(queue["requiresDuplicateDetection"]!.GetValue<bool>());
        Assert.True(queue["deadLetteringOnMessageExpiration"]!.GetValue<bool>());
        Assert.Equal("PT1M", queue["lockDuration"]!.ToString());
        Assert.Equal("[parameters('maxDeliveryCount')]", queue["maxDeliveryCount"]!.ToString());
        Assert.Equal("[parameters('warmQueueMaxDeliveries')]", arm.ModuleParameters("queue")["maxDeliveryCount"]!["value"]!.ToString());
        // The worker dead-letters at the same count the queue does.
        Assert.Equal("[string(parameters('warmQueueMaxDeliveries'))]", arm.LiteralParameter("worker", "sharedSettings")["Mirrorstage__Queue__MaxAttempts"]!.ToString());
    }

    [Fact]
    public void Keda_scales_the_gpu_workers_on_the_warm_queue_with_the_worker_identity()
    {
        var app = CompiledTemplate.Resources(arm.ModuleTemplate("worker"))
            .Single(r => r.Resource["type"]!.ToString() == "Microsoft.App/containerApps").Resource["properties"]!;
        var rule = app["template"]!["scale"]!["rules"]!.AsArray().Single()!["custom"]!;

        Assert.Equal("azure-servicebus", rule["type"]!.ToString());
        Assert.Equal("[parameters('queueName')]", rule["metadata"]!["queueName"]!.ToString());
        Assert.Equal("[parameters('identityId')]", rule["identity"]!.ToString());
        Assert.Equal("[parameters('warmQueueName')]", arm.ModuleParameters("worker")["queueName"]!["value"]!.ToString());
        Assert.Equal("[parameters('warmQueueName')]", arm.LiteralParameter("worker", "sharedSettings")["Mirrorstage__Queue__QueueName"]!.ToString());
        Assert.Equal("gpu", app["workloadProfileName"]!.ToString());
    }

    [Fact]
    public void The_worker_ingress_serves_websockets_over_https_only()
    {
        var ingress = CompiledTemplate.Resources(arm.ModuleTemplate("worker"))
            .Single(r => r.Resource["type"]!.ToString() == "Microsoft.App/containerApps").Resource["properties"]!["configuration"]!["ingress"]!;

        Assert.True(ingress["external"]!.GetValue<bool>());
        Assert.False(ingress["allowInsecure"]!.GetValue<bool>());
        Assert.Equal("http", ingress["transport"]!.ToString());
    }

    [Fact]
    public void The_gateway_knows_the_fleets_slot_ceiling_and_not_a_fixed_headroom()
    {
        var settings = arm.LiteralParameter("gateway", "settings");
        Assert.Equal("[string(mul(parameters('workerMaxReplicas'), parameters('workerRenderSlots')))]",
            settings["Mirrorstage__Capacity__MaxFleetSlots"]!.ToString());
        // A fixed headroom would be offered again on top of replicas already running.
        Assert.False(settings.ContainsKey("Mirrorstage__Capacity__ScaleOutHeadroom"));
    }
}
