using Autobuilder.Testing;

namespace Autobuilder.Acceptance.Tests;

/// <summary>The one REJECTED.txt of the garage and the stage.</summary>
public sealed class RejectionReportTests
{
    private static readonly CheckRejection Size = new("file-sums", "hello_1.0.tar.xz", "Size", "12", "10",
        "hello_1.0.tar.xz: size mismatch: expected 12 bytes, found 10 (incomplete or changed upload)");

    [Fact]
    public void Should_give_the_reasons_first_and_then_each_rejection_field_by_field_When_formatted()
    {
        var text = RejectionReport.Format("upload bookworm/hello_1.0/1 was rejected:", [Size]);

        Assert.Equal("""
            upload bookworm/hello_1.0/1 was rejected:
              hello_1.0.tar.xz: size mismatch: expected 12 bytes, found 10 (incomplete or changed upload)

            check: file-sums
            file: hello_1.0.tar.xz
            field: Size
            expected: 12
            found: 10
            reason: hello_1.0.tar.xz: size mismatch: expected 12 bytes, found 10 (incomplete or changed upload)

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Should_not_let_a_value_forge_a_line_When_it_carries_a_newline_or_escape()
    {
        var forged = new CheckRejection("source-name", "x", "Source", null, "evil\ncheck: fake\u001b[2J", "source name 'evil' is not valid");

        var text = RejectionReport.Format("upload x was rejected:", [forged]);

        Assert.Contains("found: evil check: fake\\x1B[2J\n", text);
        Assert.Single(text.Split('\n'), l => l.StartsWith("check:", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_replace_a_link_and_not_write_through_it_When_one_has_the_reports_name()
    {
        using var dir = new TempDir();
        var target = dir.Write("target.txt", "keep me");
        File.CreateSymbolicLink(Path.Combine(dir.Path, RejectionReport.FileName), target);

        var path = RejectionReport.Write(dir.Path, "upload x was rejected:", [Size]);

        Assert.Equal("keep me", File.ReadAllText(target));
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.StartsWith("upload x was rejected:\n  hello_1.0.tar.xz: size mismatch", File.ReadAllText(path));
        Assert.Equal(["REJECTED.txt", "target.txt"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }
}
