namespace Autobuilder.Debian;

/// <summary>
/// Input that does not follow a Debian format. The message is meant for the person who sent the
/// input: it names the file (and line or field where known) and says what is wrong.
/// </summary>
public class DebianFormatException : Exception
{
    public DebianFormatException(string message) : base(message) { }
    public DebianFormatException(string message, Exception inner) : base(message, inner) { }
}
