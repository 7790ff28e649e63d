namespace Autobuilder.Debian.Control;

/// <summary>A deb822 file that cannot be parsed; the message names the source and line.</summary>
public sealed class ControlFileException : DebianFormatException
{
    public ControlFileException(string source, int line, string problem)
        : base(line > 0 ? $"{source}:{line}: {problem}" : $"{source}: {problem}")
    {
        Source = source;
        Line = line;
        Problem = problem;
    }

    public new string Source { get; }
    public int Line { get; }
    public string Problem { get; }
}
