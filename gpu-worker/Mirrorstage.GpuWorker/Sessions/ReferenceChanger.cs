using Mirrorstage.Events;
using Mirrorstage.Infrastructure.Storage;
using Mirrorstage.Imaging;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>change_reference: the same checks a photo gets at creation (type, size, pixels, truncation, a
/// face), the crop stored beside the others, then `ReferenceChanged` appended. The render loop picks the new
/// face up from the store, so a resumed session on another worker shows the latest face too.</summary>
public sealed class ReferenceChanger(ReferenceImageProcessor images, IBlobStore blobs, SessionStore sessions)
{
    public sealed record Refusal(string Code, string Message);

    /// <summary>Null when the change was recorded (or the face is the one already shown).</summary>
    public async Task<Refusal?> ChangeAsync(string sessionId, string? base64, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(base64))
            return new("reference_image_required", "change_reference needs reference_image_b64: a base64 JPEG or PNG.");
        var data = Decode(base64);
        if (data is null)
            return new("invalid_image", "reference_image_b64 is not valid base64.");
        try
        {
            // Decoding and detection take tens of milliseconds: off the socket's thread.
            var image = await Task.Run(() => images.Process(data), ct);
            var reference = await ReferenceImages.StoreAsync(blobs, ReferenceImages.Hash(data), data, image, ct);
            await sessions.ChangeReferenceAsync(sessionId, reference, ct);
            return null;
        }
        catch (ImageRejected e)
        {
            return new(e.Code, e.Message.Replace("reference_image", "reference_image_b64", StringComparison.Ordinal));
        }
        catch (DomainException e)
        {
            return new(e.Code, e.Message);
        }
    }

    /// <summary>Plain base64, or a data URL ("data:image/png;base64,...") as browsers produce it.</summary>
    private static byte[]? Decode(string text)
    {
        var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',') : -1;
        var payload = comma >= 0 ? text.AsSpan(comma + 1) : text.AsSpan();
        var buffer = new byte[payload.Length * 3 / 4 + 3];
        return Convert.TryFromBase64Chars(payload, buffer, out var written) ? buffer[..written] : null;
    }
}
