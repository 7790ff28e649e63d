namespace Autobuilder.Admin;

/// <summary>A failure of a console command that is explained to the user in one line (exit code 2).</summary>
public sealed class ConsoleException(string message) : Exception(message);
