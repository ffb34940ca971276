namespace Mirrorstage.GpuWorker.Audio;

/// <summary>The head's small motion at 25 fps: a nod (a damped spring kicked by each rise in loudness, so
/// stressed syllables dip the head), a slight tilt following the speech's slow envelope, and a slow idle
/// drift of a few tenths of a degree so a silent face still lives. X/Y are fractions of the frame, Roll is
/// in radians.</summary>
public sealed class HeadMotion
{
    private const double Dt = 1 / 25.0;
    private double _envelope, _previous, _nod, _nodVelocity;
    private long _frame;

    public (double X, double Y, double Roll) Next(double decibels)
    {
        var level = Math.Clamp((decibels + 50) / 30, 0, 1);
        _envelope += (level - _envelope) * (level > _envelope ? 0.3 : 0.06);
        var rise = Math.Max(0, _envelope - _previous);
        _previous = _envelope;
        // Spring: about 2.2 Hz, well damped; each rise pushes the head down a little.
        _nodVelocity += (-(2 * Math.PI * 2.2) * (2 * Math.PI * 2.2) * _nod - 2 * 0.55 * (2 * Math.PI * 2.2) * _nodVelocity) * Dt + rise * 0.9;
        _nod += _nodVelocity * Dt;

        var t = _frame++ * Dt;
        var driftX = 0.0025 * Math.Sin(2 * Math.PI * t / 7.3) + 0.0012 * Math.Sin(2 * Math.PI * t / 3.1 + 1.3);
        var driftY = 0.0018 * Math.Sin(2 * Math.PI * t / 5.9 + 0.7);
        var driftRoll = 0.006 * Math.Sin(2 * Math.PI * t / 9.7 + 2.1) + 0.003 * Math.Sin(2 * Math.PI * t / 4.3);
        return (driftX, driftY + _nod * 0.35 + 0.004 * _envelope, driftRoll + 0.012 * _envelope * Math.Sin(2 * Math.PI * t / 6.1));
    }
}
