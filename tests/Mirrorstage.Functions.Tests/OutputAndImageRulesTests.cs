using Mirrorstage.Imaging;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests;

public class ImageHeaderTests
{
    [Fact]
    public void The_fixture_PNG_is_read_from_its_header()
    {
        var header = ImageHeader.Read(TestImages.Astronaut)!;
        Assert.Equal((ImageKind.Png, 512, 512, true), (header.Kind, header.Width, header.Height, header.Complete));
    }

    [Fact]
    public void A_JPEG_is_read_from_its_frame_header()
    {
        var header = ImageHeader.Read(TestImages.AstronautJpeg)!;
        Assert.Equal((ImageKind.Jpeg, 512, 512, true), (header.Kind, header.Width, header.Height, header.Complete));
        Assert.False(ImageHeader.Read(TestImages.AstronautJpeg[..(TestImages.AstronautJpeg.Length / 2)])!.Complete);
    }

    [Fact]
    public void A_declared_size_is_known_without_decoding() => Assert.Equal(900_000_000, ImageHeader.Read(TestImages.HugePng())!.Pixels);

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 })]
    public void Broken_headers_read_as_null(byte[] data) => Assert.Null(ImageHeader.Read(data));
}
