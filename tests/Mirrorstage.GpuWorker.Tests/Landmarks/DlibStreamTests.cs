using Mirrorstage.Imaging.Landmarks;

namespace Mirrorstage.GpuWorker.Tests.Landmarks;

/// <summary>dlib's serialisation, byte by byte as dlib/serialize.h and float_details.h write it.</summary>
public class DlibStreamTests
{
    [Fact]
    public void Integers_are_a_length_byte_with_a_sign_bit_then_little_endian_bytes()
    {
        var s = new DlibStream([0x01, 0x05, 0x81, 0x05, 0x02, 0x34, 0x12, 0x82, 0x00, 0x01]);
        Assert.Equal(5, s.ReadSigned());
        Assert.Equal(-5, s.ReadSigned());
        Assert.Equal(0x1234UL, s.ReadUnsigned());
        Assert.Equal(-256, s.ReadSigned());
        Assert.True(s.AtEnd);
    }

    [Fact]
    public void Floats_are_mantissa_then_exponent()
    {
        // 1.5 = 3 x 2^-1; -0.375 = -3 x 2^-3; 40 = 5 x 2^3
        var s = new DlibStream([0x01, 0x03, 0x81, 0x01, 0x81, 0x03, 0x81, 0x03, 0x01, 0x05, 0x01, 0x03]);
        Assert.Equal(1.5f, s.ReadFloat());
        Assert.Equal(-0.375f, s.ReadFloat());
        Assert.Equal(40f, s.ReadFloat());
    }

    [Fact]
    public void Special_exponents_are_infinities_and_nan()
    {
        // exponent 32000 = 0x7D00, 32002 = 0x7D02
        var s = new DlibStream([0x01, 0x00, 0x02, 0x00, 0x7D, 0x01, 0x00, 0x02, 0x02, 0x7D]);
        Assert.Equal(float.PositiveInfinity, s.ReadFloat());
        Assert.True(float.IsNaN(s.ReadFloat()));
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })]             // zero length
    [InlineData(new byte[] { 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9 })] // longer than 8 bytes
    [InlineData(new byte[] { 0x02, 0x01 })]       // the file ends inside the integer
    [InlineData(new byte[] { })]
    public void Broken_integers_are_refused(byte[] data) =>
        Assert.Throws<InvalidDataException>(() => new DlibStream(data).ReadSigned());

    [Fact]
    public void A_model_that_is_not_a_shape_predictor_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => ShapeModel.Read([0x01, 0x02]));              // version 2
        Assert.Throws<InvalidDataException>(() => ShapeModel.Read([0x01, 0x01, 0x81, 0x03]));  // ends in the mean shape
    }
}
