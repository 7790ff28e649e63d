using System.Text;

namespace Autobuilder.Acceptance;

/// <summary>
/// The one REJECTED.txt, written beside a rejected upload's files on the garage and on the stage:
/// first the reasons in plain words (what an uploader reads), then one block per rejection with
/// the check, file, field, expected, found and reason (what an operator or a script reads).
/// </summary>
/// <example>
/// upload bookworm/hello_1.0/1 was rejected:
///   hello_1.0.tar.xz: size mismatch: expected 12 bytes, found 10 (incomplete or changed upload)
///
/// check: file-sums
/// file: hello_1.0.tar.xz
/// field: Size
/// expected: 12
/// found: 10
/// reason: hello_1.0.tar.xz: size mismatch: expected 12 bytes, found 10 (incomplete or changed upload)
/// </example>
public static class RejectionReport
{
    public const string FileName = "REJECTED.txt";

    public static string Format(string heading, IReadOnlyList<CheckRejection> rejections)
    {
        var text = new StringBuilder();
        text.Append(OneLine(heading)).Append('\n');
        foreach (var r in rejections)
            text.Append("  ").Append(OneLine(r.Reason)).Append('\n');
        foreach (var r in rejections)
        {
            text.Append('\n');
            text.Append("check: ").Append(OneLine(r.Check)).Append('\n');
            text.Append("file: ").Append(OneLine(r.File)).Append('\n');
            text.Append("field: ").Append(OneLine(r.Field ?? "")).Append('\n');
            text.Append("expected: ").Append(OneLine(r.Expected ?? "")).Append('\n');
            text.Append("found: ").Append(OneLine(r.Found ?? "")).Append('\n');
            text.Append("reason: ").Append(OneLine(r.Reason)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes <see cref="FileName"/> into <paramref name="folder"/>: a new file renamed into place,
    /// so an entry of that name already there (even a link an uploader sent) is replaced, never written through.
    /// </summary>
    public static string Write(string folder, string heading, IReadOnlyList<CheckRejection> rejections)
    {
        var path = Path.Combine(folder, FileName);
        var temp = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}");
        File.WriteAllText(temp, Format(heading, rejections));
        File.Move(temp, path, overwrite: true);
        return path;
    }

    // Values come from uploads: a newline in one would forge a field of the next block, a control
    // character would reach an operator's terminal.
    private static string OneLine(string value) =>
        string.Concat(value.Select(c => c is '\n' or '\r' ? " " : char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString()));
}
