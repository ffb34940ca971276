namespace Mirrorstage.Imaging.Landmarks;

/// <summary>Reads dlib's portable serialisation. Integers: a control byte (bit 7 = negative for signed
/// types, low 4 bits = how many bytes follow) and then that many bytes, least significant first. Floating
/// point: a signed 64-bit mantissa and a signed 16-bit exponent, both as integers, meaning
/// mantissa x 2^exponent (exponents 32000, 32001, 32002 stand for +inf, -inf and NaN).</summary>
public sealed class DlibStream(byte[] data)
{
    private int _at;

    public int Position => _at;
    public bool AtEnd => _at >= data.Length;

    public long ReadSigned()
    {
        var control = Next();
        var size = control & 0x0F;
        if (size is 0 or > 8 || (control & 0x70) != 0) throw Bad($"signed integer control byte 0x{control:X2}");
        var value = ReadMagnitude(size);
        return (control & 0x80) != 0 ? -(long)value : (long)value;
    }

    public ulong ReadUnsigned()
    {
        var control = Next();
        var size = control & 0x8F;
        if (size is 0 or > 8) throw Bad($"unsigned integer control byte 0x{control:X2}");
        return ReadMagnitude(size);
    }

    /// <summary>A count of items that follow: refused when it could not fit in what is left of the file.</summary>
    public int ReadCount()
    {
        var n = ReadUnsigned();
        if (n > (ulong)(data.Length - _at)) throw Bad($"a count of {n} with {data.Length - _at} bytes left");
        return (int)n;
    }

    public float ReadFloat()
    {
        var mantissa = ReadSigned();
        var exponent = ReadSigned();
        return exponent switch
        {
            32000 => float.PositiveInfinity,
            32001 => float.NegativeInfinity,
            32002 => float.NaN,
            < short.MinValue or > short.MaxValue => throw Bad($"float exponent {exponent}"),
            _ => (float)Math.ScaleB(mantissa, (int)exponent),
        };
    }

    /// <summary>A column vector (dlib matrix&lt;float,0,1&gt;): rows and columns, negated in the current
    /// format, then the values row by row.</summary>
    public float[] ReadColumn()
    {
        var rows = Math.Abs(ReadSigned());
        var cols = Math.Abs(ReadSigned());
        if (cols != 1 || rows > data.Length - _at) throw Bad($"a {rows}x{cols} matrix where a column was expected");
        var values = new float[rows];
        for (var i = 0; i < values.Length; i++) values[i] = ReadFloat();
        return values;
    }

    private ulong ReadMagnitude(int size)
    {
        if (_at + size > data.Length) throw Bad("the file ends inside an integer");
        ulong value = 0;
        for (var i = size - 1; i >= 0; i--) value = (value << 8) | data[_at + i];
        _at += size;
        return value;
    }

    private byte Next() => _at < data.Length ? data[_at++] : throw Bad("the file ends early");

    private InvalidDataException Bad(string what) => new($"Not a dlib model: {what} at byte {_at}.");
}
