using Mirrorstage.GpuWorker.Rendering;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>Where a photo's teeth part, read down the columns between its inner lips.</summary>
public class TeethPartingTests
{
    private const int Width = 8, Height = 40;

    /// <summary>Every column the same: rows [0, 40) of BGR grey at the given lightness per row.</summary>
    private static byte[] Photo(Func<int, byte> lightAt)
    {
        var bgr = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++) Array.Fill(bgr, lightAt(y), y * Width * 3, Width * 3);
        return bgr;
    }

    private static readonly (int, float, float)[] Columns = [.. Enumerable.Range(0, Width).Select(x => (x, 10f, 30f))];

    [Fact]
    public void Upper_and_lower_teeth_with_a_dark_gap_part_at_the_gap()
    {
        // Lips to row 10, upper teeth 10-23, a dark gap at 24-25, lower teeth 26-30.
        var photo = Photo(y => y is >= 24 and <= 25 ? (byte)90 : y is > 10 and < 30 ? (byte)220 : (byte)140);
        Assert.Equal((24 - 10) / 20f, TeethParting.UpperShare(photo, Width, Height, Columns), 2);
    }

    [Fact]
    public void Upper_teeth_alone_part_at_their_lower_edge()
    {
        // A smile: upper teeth from the lip down to row 26, then the lower lip's shadow.
        var photo = Photo(y => y is > 10 and < 26 ? (byte)225 : (byte)150);
        Assert.Equal((26 - 10) / 20f, TeethParting.UpperShare(photo, Width, Height, Columns), 2);
    }

    [Fact]
    public void Without_a_clear_tooth_the_height_is_halved()
    {
        var photo = Photo(y => (byte)(120 + y % 3));
        Assert.Equal(0.5f, TeethParting.UpperShare(photo, Width, Height, Columns));
    }
}
