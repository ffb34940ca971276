namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>One thing that does not agree: which check found it, what it is about, and what is wrong.</summary>
internal sealed record Difference(string Check, string Subject, string Problem)
{
    public override string ToString() => $"[{Check}] {Subject}: {Problem}";
}
