namespace Mirrorstage.Events;

public enum DomainError { Invalid, Conflict, Forbidden }

/// <summary>A business rule refused a command. The HTTP edge maps the kind to a status and keeps the code.</summary>
public sealed class DomainException(DomainError kind, string code, string message) : Exception(message)
{
    public DomainError Kind { get; } = kind;
    public string Code { get; } = code;
}
