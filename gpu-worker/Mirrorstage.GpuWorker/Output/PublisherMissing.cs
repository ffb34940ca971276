namespace Mirrorstage.GpuWorker.Output;

/// <summary>The LiveKit publisher cannot be started here: node or the publisher program is missing. The session
/// fails with <see cref="LiveKitOutput.PublisherUnavailable"/> (and is refunded) instead of waiting on a process
/// that never ran.</summary>
public sealed class PublisherMissing(string message, Exception? inner = null) : Exception(message, inner);
