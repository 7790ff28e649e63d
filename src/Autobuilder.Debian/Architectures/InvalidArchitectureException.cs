namespace Autobuilder.Debian.Architectures;

/// <summary>An Architecture field that cannot be read; the message quotes the field and the bad entry.</summary>
public sealed class InvalidArchitectureException : DebianFormatException
{
    public InvalidArchitectureException(string field, string problem)
        : base($"Architecture field {DisplayText.Quote(field)} is invalid: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    public string Field { get; }
    public string Problem { get; }
}
