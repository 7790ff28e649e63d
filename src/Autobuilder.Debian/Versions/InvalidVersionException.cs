namespace Autobuilder.Debian.Versions;

/// <summary>A string that is not a Debian version; the message quotes it and says what is wrong.</summary>
public sealed class InvalidVersionException : DebianFormatException
{
    public InvalidVersionException(string text, string problem) : base(Describe(text, problem))
    {
        Text = text;
        Problem = problem;
    }

    /// <summary>The string as given.</summary>
    public string Text { get; }

    /// <summary>What is wrong, without the quoted string (e.g. "nothing after the epoch").</summary>
    public string Problem { get; }

    internal static string Describe(string text, string problem) => $"version {DisplayText.Quote(text)} is invalid: {problem}";
}
