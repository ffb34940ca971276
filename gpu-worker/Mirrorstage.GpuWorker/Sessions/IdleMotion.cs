using Mirrorstage.GpuWorker.Rendering;

namespace Mirrorstage.GpuWorker.Sessions;

/// <summary>Life between utterances: blinks and slow breathing, a pure function of the frame number (so a frame
/// renders the same wherever it is rendered). A person blinks every 2 to 10 seconds, never on a metronome: time
/// is cut into 4 s slots and each slot's blink starts at its own pseudo-random moment between 0.5 s and 3.5 s
/// into it (so blinks are 1 to 7 s apart); one slot in five adds a second blink right after the first. A blink
/// closes fast (about 80 ms) and opens slower (about 160 ms).</summary>
public static class IdleMotion
{
    private const double Slot = 4, Close = 0.08, Open = 0.16;

    public static FrameDrive At(long frame, int fps)
    {
        var t = frame / (double)fps;
        var breath = Math.Sin(2 * Math.PI * t / 4.5);
        return new FrameDrive(0, 0, Blink(t), breath);
    }

    /// <summary>How far the lids are down at time t (s): 0 open .. 1 shut.</summary>
    public static double Blink(double t)
    {
        var slot = (long)Math.Floor(t / Slot);
        var start = slot * Slot + 0.5 + 3 * Unit(slot, 1);
        var lid = Lid(t - start);
        if (Unit(slot, 2) < 0.2) lid = Math.Max(lid, Lid(t - start - 0.4));
        return lid;
    }

    private static double Lid(double s) =>
        s < 0 || s > Close + Open ? 0 : s < Close ? Math.Sin(Math.PI / 2 * s / Close) : Math.Cos(Math.PI / 2 * (s - Close) / Open);

    /// <summary>A fixed pseudo-random number in [0, 1) for (slot, salt): SplitMix64's finaliser.</summary>
    private static double Unit(long slot, int salt)
    {
        var z = unchecked((ulong)slot * 0x9E3779B97F4A7C15UL + (ulong)salt * 0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) / 18446744073709551616.0;
    }
}
