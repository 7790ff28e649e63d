namespace Autobuilder.Debian.Safety;

/// <summary>
/// File names that come from an upload (a .dsc or .changes names them) must be plain names in
/// their folder: we never let one reach a path that escapes it, and we check before any file is
/// touched.
/// </summary>
public static class FileNames
{
    /// <summary>Longest accepted name; NAME_MAX on Linux file systems is 255 bytes.</summary>
    public const int MaxLength = 255;

    /// <summary>The reason <paramref name="name"/> is not a safe plain file name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "the file name is empty";
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxLength)
            return $"the file name is longer than {MaxLength} bytes";
        if (name is "." or "..")
            return $"'{name}' is not a file name";
        foreach (var c in name)
        {
            if (c == '/' || c == '\\')
                return $"'{Printable(name)}' contains a path separator; only plain file names are allowed";
            if (char.IsControl(c))
                return $"'{Printable(name)}' contains a control character (U+{(int)c:X4})";
        }
        if (name.Contains("..", StringComparison.Ordinal))
            return $"'{Printable(name)}' contains '..'";
        if (name[0] == '-')
            return $"'{Printable(name)}' starts with '-', which tools would read as an option";
        return null;
    }

    public static bool IsSafe(string? name) => Problem(name) is null;

    /// <summary>Throws <see cref="UnsafeFileNameException"/> unless the name is a plain file name.</summary>
    public static string Require(string? name, string context)
    {
        var problem = Problem(name);
        if (problem is not null)
            throw new UnsafeFileNameException(context, problem);
        return name!;
    }

    /// <summary>The full path of a safe name inside <paramref name="directory"/>; refuses anything else.</summary>
    public static string Combine(string directory, string name, string context)
    {
        Require(name, context);
        return Path.Combine(directory, name);
    }

    // Control characters are shown escaped so an error message cannot itself carry terminal escapes.
    public static string Printable(string s) =>
        string.Concat(s.Select(c => char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString()));
}

public sealed class UnsafeFileNameException(string context, string problem)
    : DebianFormatException($"{context}: unsafe file name: {problem}")
{
    public string Problem { get; } = problem;
}
