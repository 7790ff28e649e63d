using System.Text.RegularExpressions;

namespace Autobuilder.Debian.BuildLogs;

/// <summary>One line of a build log: its number (from 1) and its text.</summary>
public sealed record BuildLogLine(long Number, string Text)
{
    public override string ToString() => $"line {Number}: {Text}";
}

/// <summary>The error lines found in a log (at most the extractor's bound) and how many more there were.</summary>
public sealed record BuildLogErrorList(IReadOnlyList<BuildLogLine> Lines, int Omitted);

/// <summary>
/// Finds the lines of a Debian build log that say what failed: compiler and linker errors
/// ("file.c:3:5: error: …", "undefined reference to"), debhelper ("dh_auto_build: error: make -j1
/// returned exit code 2"), make ("make[1]: *** [Makefile:4: all] Error 1"), missing files and
/// commands ("No such file or directory", "cannot find", "sh: 1: foo: not found"), test suites
/// (automake's "FAIL: t1", "# FAIL:  2", pytest's "FAILED …" and "1 failed", TAP's "Failed 1/3
/// test programs", ctest's "tests failed"), dpkg-buildpackage, dpkg-source and
/// dpkg-checkbuilddeps ("dpkg-…: error: …") and sbuild/apt ("E: …").
/// Fed one line at a time, so a log of any size is read with bounded memory: it keeps the first
/// lines found (usually the cause) and the last few (usually the verdict), and counts the rest.
/// </summary>
public sealed partial class BuildLogErrors
{
    private readonly int _head;
    private readonly int _tail;
    private readonly int _maxLineChars;
    private readonly List<BuildLogLine> _first = [];
    private readonly Queue<BuildLogLine> _last = new();
    private string? _previous;
    private int _omitted;

    /// <param name="maxLines">Error lines kept in all (the first ones and the last few).</param>
    /// <param name="maxLineChars">Characters of one line kept; a longer line is cut with a marker.</param>
    public BuildLogErrors(int maxLines = 20, int maxLineChars = 240)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineChars, 20);
        _tail = Math.Max(1, maxLines / 4);
        _head = maxLines - _tail;
        _maxLineChars = maxLineChars;
    }

    /// <summary>Looks at one line of the log (without its newline).</summary>
    public void Add(long number, string line)
    {
        if (!IsError(line))
            return;
        var text = line.TrimEnd('\r');
        text = text.Length > _maxLineChars ? text[.._maxLineChars] + " […]" : text;
        // make and dh repeat the same failure on every level; once is enough.
        if (text == _previous)
            return;
        _previous = text;
        if (_first.Count < _head)
        {
            _first.Add(new BuildLogLine(number, text));
            return;
        }
        _last.Enqueue(new BuildLogLine(number, text));
        if (_last.Count > _tail)
        {
            _last.Dequeue();
            _omitted++;
        }
    }

    public BuildLogErrorList Result() => new([.. _first, .. _last], _omitted);

    /// <summary>Extracts the error lines of a whole log given as lines, numbered from <paramref name="firstNumber"/>.</summary>
    public static BuildLogErrorList Extract(IEnumerable<string> lines, long firstNumber = 1, int maxLines = 20, int maxLineChars = 240)
    {
        var errors = new BuildLogErrors(maxLines, maxLineChars);
        var number = firstNumber;
        foreach (var line in lines)
            errors.Add(number++, line);
        return errors.Result();
    }

    /// <summary>Whether a line says something failed (the patterns in the class summary).</summary>
    public static bool IsError(string line)
    {
        if (line.Length == 0 || line.Length > 64 * 1024)
            return false;
        // configure's probes ("checking for foo.h... no", conftest.c errors it expects) are not failures.
        if (line.StartsWith("checking ", StringComparison.Ordinal) || line.StartsWith("conftest.", StringComparison.Ordinal))
            return false;
        return Compiler().IsMatch(line) || Debhelper().IsMatch(line) || Make().IsMatch(line)
            || Missing().IsMatch(line) || Tests().IsMatch(line) || Apt().IsMatch(line);
    }

    // "foo.c:3:5: error: …", "collect2: error: ld returned 1", "dpkg-source: error: …", rustc's "error[E0425]: …".
    [GeneratedRegex(@"(?:^|[\s:])(?:fatal )?error(?:\[[A-Z]?\d+\])?:(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Compiler();

    [GeneratedRegex(@"^\s*dh_[a-z_]+: .*(?:returned exit code \d+|\berror\b)", RegexOptions.CultureInvariant)]
    private static partial Regex Debhelper();

    [GeneratedRegex(@"^(?:g?make|ninja)(?:\[\d+\])?: (?:\*\*\* |build stopped)", RegexOptions.CultureInvariant)]
    private static partial Regex Make();

    [GeneratedRegex(@"No such file or directory|[Cc]annot find |[Cc]ould not find |: not found$|command not found|undefined reference to|[Cc]annot open (?:shared object|include) file", RegexOptions.CultureInvariant)]
    private static partial Regex Missing();

    [GeneratedRegex(@"^(?:FAIL|ERROR|XPASS): |^# (?:FAIL|ERROR|XPASS): +[1-9]|^FAILED |^=+ .*\b[1-9]\d* (?:failed|errors?)\b|^Failed \d+/\d+ test|\b[1-9]\d* tests? failed|tests FAILED|^Tests: .*Failed: [1-9]|^not ok \d+(?!.*# TODO)", RegexOptions.CultureInvariant)]
    private static partial Regex Tests();

    [GeneratedRegex(@"^E: ", RegexOptions.CultureInvariant)]
    private static partial Regex Apt();
}
