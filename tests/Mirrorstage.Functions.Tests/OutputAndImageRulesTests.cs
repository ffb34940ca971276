using System.Net;
using Mirrorstage.Imaging;
using Mirrorstage.Functions.Outputs;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests;

public class OutputAddressTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void Internal_addresses_are_refused(string ip) => Assert.True(OutputUrlPolicy.IsInternal(IPAddress.Parse(ip)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    public void Public_addresses_are_allowed(string ip) => Assert.False(OutputUrlPolicy.IsInternal(IPAddress.Parse(ip)));
}

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
