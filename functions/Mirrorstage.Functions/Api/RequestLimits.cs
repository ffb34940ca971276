using Microsoft.AspNetCore.Server.Kestrel.Core;
using Mirrorstage.Imaging;

namespace Mirrorstage.Functions.Api;

/// <summary>Kestrel's limits, chosen for this API rather than left at the defaults: the largest request is a
/// reference photo with a few form fields; headers carry at most an x402 payment (a Solana transaction is
/// about 2 KB) or a credit challenge; nothing is streamed slowly on purpose.</summary>
public static class RequestLimits
{
    public static void Apply(KestrelServerLimits limits, ImageOptions images)
    {
        limits.MaxRequestBodySize = images.MaxBytes + 2 * 1024 * 1024; // the photo, the other fields, multipart framing
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxRequestHeaderCount = 64;
        limits.MaxRequestLineSize = 8 * 1024;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);             // slow-header clients hold no connection long
        limits.MinRequestBodyDataRate = new MinDataRate(1024, TimeSpan.FromSeconds(10));
        limits.MinResponseDataRate = new MinDataRate(1024, TimeSpan.FromSeconds(10));
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        limits.Http2.MaxStreamsPerConnection = 32;
    }
}
