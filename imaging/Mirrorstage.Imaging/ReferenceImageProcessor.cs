using Microsoft.Extensions.Options;
using Mirrorstage.Imaging.Landmarks;
using OpenCvSharp;

namespace Mirrorstage.Imaging;

public sealed record ProcessedImage(ImageKind Kind, int Width, int Height, Rect Face, byte[] CropPng, int CropSize, FaceLandmarks Landmarks)
{
    public string ContentType => Kind == ImageKind.Png ? "image/png" : "image/jpeg";
    public string Extension => Kind == ImageKind.Png ? "png" : "jpg";
}

/// <summary>Turns an uploaded photo into a face crop, refusing anything that is not a usable JPEG/PNG face
/// with the documented status: 413 too large, 415 not JPEG/PNG, 400 unreadable, 422 no face (none found, or one
/// whose landmarks cannot be fitted). The landmarks are fitted once here, in the crop's pixels.</summary>
public sealed class ReferenceImageProcessor(IOptions<ImageOptions> options, FaceDetector faces, LandmarkDetector landmarks)
{
    public ProcessedImage Process(ReadOnlySpan<byte> data)
    {
        var o = options.Value;
        if (data.Length > o.MaxBytes)
            throw new ImageRejected(413, "image_too_large", $"reference_image is {data.Length} bytes; the limit is {o.MaxBytes}.");
        if (data.Length == 0)
            throw new ImageRejected(400, "reference_image_required", "reference_image is empty.");
        if (ImageHeader.Sniff(data) == ImageKind.Unknown)
            throw new ImageRejected(415, "unsupported_image_type", "reference_image must be a JPEG or PNG file (checked by content, not by name).");

        var header = ImageHeader.Read(data)
            ?? throw new ImageRejected(400, "invalid_image", "reference_image has a broken header.");
        if (header.Pixels > o.MaxPixels)
            throw new ImageRejected(413, "image_too_many_pixels", $"reference_image declares {header.Width}x{header.Height} pixels; the limit is {o.MaxPixels} pixels.");
        if (!header.Complete)
            throw new ImageRejected(400, "invalid_image", "reference_image is truncated.");

        using var image = Cv2.ImDecode(data, ImreadModes.Color);
        if (image.Empty() || image.Width != header.Width || image.Height != header.Height)
            throw new ImageRejected(400, "invalid_image", "reference_image could not be decoded.");

        var face = faces.FindLargest(image)
            ?? throw new ImageRejected(422, "no_face_detected", "No face was found in reference_image; send a clear, front-facing headshot.");

        using var crop = Crop(image, face, o, out var faceInCrop);
        var fit = landmarks.Fit(crop, faceInCrop);
        if (fit.Landmarks is null)
            throw new ImageRejected(422, "no_face_detected", $"A face was found in reference_image but its features could not be fitted: {fit.Problem}.");
        return new ProcessedImage(header.Kind, header.Width, header.Height, face, crop.ImEncode(".png"), crop.Width, fit.Landmarks);
    }

    /// <summary>A square around the face with margin; parts outside the photo are filled by edge replication.
    /// Also gives the face box in the crop's pixels.</summary>
    private static Mat Crop(Mat image, Rect face, ImageOptions o, out Rect faceInCrop)
    {
        var side = (int)Math.Round(Math.Max(face.Width, face.Height) * o.CropMargin);
        var cx = face.X + face.Width / 2;
        var cy = face.Y + face.Height / 2 + face.Height / 10; // a little lower: keep the chin and mouth
        var box = new Rect(cx - side / 2, cy - side / 2, side, side);

        int top = Math.Max(0, -box.Y), left = Math.Max(0, -box.X);
        int bottom = Math.Max(0, box.Bottom - image.Height), right = Math.Max(0, box.Right - image.Width);
        using var padded = new Mat();
        Cv2.CopyMakeBorder(image, padded, top, bottom, left, right, BorderTypes.Replicate);
        using var square = new Mat(padded, new Rect(box.X + left, box.Y + top, side, side));

        var size = Math.Min(o.CropSize, side) is var s && s < 64 ? 64 : Math.Min(o.CropSize, side);
        var resized = new Mat();
        Cv2.Resize(square, resized, new Size(size, size), 0, 0, side > size ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        var k = (double)size / side;
        faceInCrop = new Rect((int)Math.Round((face.X - box.X) * k), (int)Math.Round((face.Y - box.Y) * k), (int)Math.Round(face.Width * k), (int)Math.Round(face.Height * k));
        return resized;
    }
}

/// <summary>A photo that cannot be used, with the HTTP status and code the API documents for it. The gateway
/// answers with them; the worker sends them as a socket `error`.</summary>
public sealed class ImageRejected(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}
