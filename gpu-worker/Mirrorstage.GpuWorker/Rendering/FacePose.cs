namespace Mirrorstage.GpuWorker.Rendering;

/// <summary>Where the mesh's vertices go for one frame's drive. The lips are posed from a closed mouth (the
/// rest photo's inner lips brought together on their midline): up to the photo's own opening they part in the
/// photo's shape; beyond it the gap opens a quarter upward and three quarters downward with the jaw, along a
/// smooth profile from corner to corner; the outer lip contours follow
/// their inner ones, so lip thickness holds; the jaw line follows the lower lip; the lips spread or round;
/// the upper eyelids come down for blinks; then the face, forehead and inner ring turn and shift with the
/// head about a pivot below the chin. The outer ring stays put.</summary>
public sealed class FacePose
{
    /// <summary>The widest lip gap (at MouthOpen = 1) as a fraction of the mouth's width.</summary>
    public const float MaxGap = 0.3f;

    private static readonly (int Index, float Weight)[] Jaw =
        [(3, 0.05f), (4, 0.2f), (5, 0.45f), (6, 0.7f), (7, 0.9f), (8, 1f), (9, 0.9f), (10, 0.7f), (11, 0.45f), (12, 0.2f), (13, 0.05f)];

    private readonly FaceMesh _mesh;
    private readonly float[] _innerU, _innerUpperV, _innerLowerV; // the rest inner lips in the face's axes
    private readonly float _cornerLeft, _cornerRight;

    public FacePose(FaceMesh mesh)
    {
        _mesh = mesh;
        _innerU = FaceMesh.InnerUpper.Select(i => U(mesh.Rest, i)).ToArray();
        _innerUpperV = FaceMesh.InnerUpper.Select(i => V(mesh.Rest, i)).ToArray();
        _innerLowerV = FaceMesh.InnerLower.Select(i => V(mesh.Rest, i)).ToArray();
        _cornerLeft = U(mesh.Rest, 48);
        _cornerRight = U(mesh.Rest, 54);
    }

    public void Pose(FrameDrive d, float[] target, int width, int height)
    {
        var rest = _mesh.Rest;
        Array.Copy(rest, target, rest.Length);
        var open = (float)Math.Clamp(d.MouthOpen, 0, 1);
        var spread = (float)Math.Clamp(d.Spread, -1, 1);
        var rounding = Math.Max(0, -spread);
        var mw = _mesh.MouthWidth;
        var gap = open * MaxGap * mw;
        var sideways = (spread > 0 ? spread * 0.06f : spread * 0.08f) * mw - 0.03f * mw * open;

        // The lip gap's shape from corner (t = 0) to corner (t = 1): rounder when the lips round.
        float Profile(float t) => MathF.Pow(MathF.Max(0, MathF.Sin(MathF.PI * t)), 0.75f - 0.4f * rounding);
        float Half(int i) => (Lerp(_innerU, _innerLowerV, U(rest, i)) - Lerp(_innerU, _innerUpperV, U(rest, i))) / 2;
        // Up to the photo's own opening the lips part in the photo's shape (closing over its teeth evenly);
        // beyond it the extra opens from the middle, a quarter upward and three quarters with the jaw.
        var photoGap = 2 * Half(66);
        var share = photoGap > 0.5f ? Math.Min(1, gap / photoGap) : 1;
        var extra = Math.Max(0, gap - photoGap);
        float UpperMove(float t, float half) => half * (1 - share) - 0.25f * extra * Profile(t);
        float LowerMove(float t, float half) => -half * (1 - share) + 0.75f * extra * Profile(t);

        var corners = new HashSet<int>();
        foreach (var (chain, upper, inner) in new[] { (FaceMesh.InnerUpper, true, true), (FaceMesh.InnerLower, false, true), (FaceMesh.OuterUpper, true, false), (FaceMesh.OuterLower, false, false) })
        {
            for (var k = 0; k < chain.Length; k++)
            {
                var i = chain[k];
                var t = Math.Clamp((U(rest, i) - _cornerLeft) / (_cornerRight - _cornerLeft), 0, 1);
                var half = Half(i);
                var dv = upper ? UpperMove(t, half) : LowerMove(t, half);
                if (!inner) dv = upper ? 0.85f * dv - rounding * 0.04f * mw * Profile(t) : dv + rounding * 0.04f * mw * Profile(t);
                if (k == 0 || k == chain.Length - 1)
                {
                    if (!corners.Add(i)) continue;          // a corner ends two chains: move it once
                    dv = 0.3f * LowerMove(0.5f, 0);          // corners ride down a little with the jaw
                }
                Move(target, i, sideways * (2 * t - 1), dv);
            }
        }
        var drop = LowerMove(0.5f, Half(66));
        foreach (var (i, w) in Jaw) Move(target, i, 0, drop * w);

        // Blinks: the upper lid comes down to the lower one; the lower lid rises a touch.
        var blink = (float)Math.Clamp(d.Blink, 0, 1) * 0.92f;
        foreach (var (up, low) in new[] { (37, 41), (38, 40), (43, 47), (44, 46) })
        {
            var eye = V(rest, low) - V(rest, up);
            Move(target, up, 0, eye * blink * 0.9f);
            Move(target, low, 0, -eye * blink * 0.1f);
        }
        Head(d, target, width, height);
    }

    private void Move(float[] target, int i, float du, float dv)
    {
        target[2 * i] += du * _mesh.U.X + dv * _mesh.V.X;
        target[2 * i + 1] += du * _mesh.U.Y + dv * _mesh.V.Y;
    }

    private float U(float[] p, int i) => p[2 * i] * _mesh.U.X + p[2 * i + 1] * _mesh.U.Y;
    private float V(float[] p, int i) => p[2 * i] * _mesh.V.X + p[2 * i + 1] * _mesh.V.Y;

    /// <summary>Turns and shifts everything but the outer ring about a pivot under the chin.</summary>
    private void Head(FrameDrive d, float[] target, int width, int height)
    {
        var roll = (float)d.HeadRoll;
        float tx = (float)(d.HeadX * width), ty = (float)(d.HeadY * height + d.Breath * 0.0008 * height);
        if (roll == 0 && tx == 0 && ty == 0) return;
        var rest = _mesh.Rest;
        float px = rest[16] + _mesh.V.X * 0.4f * _mesh.EyeDistance, py = rest[17] + _mesh.V.Y * 0.4f * _mesh.EyeDistance; // landmark 8 is the chin
        float c = MathF.Cos(roll), s = MathF.Sin(roll);
        for (var i = 0; i < FaceMesh.OuterRing; i++)
        {
            float x = target[2 * i] - px, y = target[2 * i + 1] - py;
            target[2 * i] = px + c * x - s * y + tx;
            target[2 * i + 1] = py + s * x + c * y + ty;
        }
    }

    /// <summary>Piecewise-linear v at u through knots sorted by u (clamped at the ends).</summary>
    public static float Lerp(float[] u, float[] v, float at)
    {
        if (at <= u[0]) return v[0];
        for (var k = 1; k < u.Length; k++)
            if (at <= u[k]) return u[k] - u[k - 1] < 1e-4f ? v[k] : v[k - 1] + (v[k] - v[k - 1]) * (at - u[k - 1]) / (u[k] - u[k - 1]);
        return v[^1];
    }
}
