using System.Text;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Tests.Control;

public class ControlFileTests
{
    [Fact]
    public void Should_keep_field_order_and_case_When_parsing_a_paragraph()
    {
        var p = ControlFile.ParseSingle("Source: hello\nVERSION: 1.0-1\nx-custom-Field: yes\n", "t");

        Assert.Equal(["Source", "VERSION", "x-custom-Field"], p.Select(f => f.Name));
        Assert.Equal("1.0-1", p["version"]);
        Assert.Equal("yes", p["X-Custom-Field"]);
    }

    [Fact]
    public void Should_keep_continuation_lines_verbatim_When_a_field_spans_lines()
    {
        var text = "Package: a\nDescription: short\n long line one\n .\n\tline with tab\nFiles:\n abc 1 a.tar.gz\n";

        var p = ControlFile.ParseSingle(text, "t");

        Assert.Equal("short\n long line one\n .\n\tline with tab", p["Description"]);
        Assert.Equal("\n abc 1 a.tar.gz", p["Files"]);
        Assert.Equal(["long line one", ".", "line with tab"], p.First(f => f.Name == "Description").ContinuationLines);
        Assert.Equal(text, p.ToString());
    }

    [Fact]
    public void Should_split_paragraphs_on_blank_and_whitespace_only_lines()
    {
        var ps = ControlFile.Parse("\n\nPackage: a\n\nPackage: b\n \t\nPackage: c\n\n\n", "t");

        Assert.Equal(["a", "b", "c"], ps.Select(p => p["Package"]));
    }

    [Fact]
    public void Should_strip_trailing_whitespace_and_carriage_returns()
    {
        var p = ControlFile.ParseSingle("Package: a  \r\nDepends:   libc6 \t\r\n", "t");

        Assert.Equal("a", p["Package"]);
        Assert.Equal("libc6", p["Depends"]);
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\f")]
    [InlineData("\u0085")]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\v")]
    public void Should_end_lines_at_LF_only_When_a_value_holds_another_line_break(string separator)
    {
        // Given: what dpkg and apt read as one Description line holding a "SHA512:" text.
        var text = $"Package: a\nDescription: short{separator}SHA512: forged\n more\n";

        // When
        var p = ControlFile.ParseSingle(text, "t");

        // Then: the same two fields apt would see, the odd character kept inside the value.
        Assert.Equal(["Package", "Description"], p.Select(f => f.Name));
        Assert.Equal($"short{separator}SHA512: forged\n more", p["Description"]);
        Assert.Null(p["SHA512"]);
    }

    [Fact]
    public void Should_agree_with_dpkg_When_a_control_file_holds_unicode_line_separators()
    {
        // dpkg-deb itself builds such a package and reports the fields it holds.
        using var dir = new Autobuilder.Testing.TempDir();
        var control = "Package: sep\nVersion: 1\nArchitecture: all\nMaintainer: M <m@example.org>\n" +
            "Description: a\u2028SHA512: forged\u2029X-Other: x\u0085Y: y\n";
        var deb = Autobuilder.Testing.DebBuilder.Build(dir.Path, dir["sep.deb"], control);

        var ours = Autobuilder.Debian.Deb.DebFile.ReadFile(deb).Control;
        var dpkg = Autobuilder.Testing.Tool.Run("dpkg-deb", "--showformat=${Description}\n${SHA512}|${X-Other}|", "--show", deb).Ok().Stdout;

        Assert.Equal(["Package", "Version", "Architecture", "Maintainer", "Description"], ours.Select(f => f.Name));
        Assert.Equal($"{ours["Description"]}\n||\n", dpkg);
    }

    [Theory]
    [InlineData("Package: a\nno colon here\n", 2, "expected 'Field: value'")]
    [InlineData(" leading: continuation\n", 1, "continuation line without a field")]
    [InlineData("Package: a\npackage: b\n", 2, "appears twice")]
    [InlineData("Package: a\n-Bad: x\n", 2, "invalid field name")]
    [InlineData("Package: a\nBad Name: x\n", 2, "invalid field name")]
    [InlineData("# comment\nPackage: a\n", 1, "comment lines")]
    public void Should_name_the_line_and_problem_When_the_input_is_malformed(string text, int line, string problem)
    {
        var ex = Assert.Throws<ControlFileException>(() => ControlFile.Parse(text, "broken.dsc"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith($"broken.dsc:{line}: ", ex.Message);
    }

    [Fact]
    public void Should_skip_comments_When_they_are_allowed()
    {
        var p = ControlFile.ParseSingle("# comment\nSource: a\n# another\nSection: misc\n", "debian/control", allowComments: true);

        Assert.Equal(2, p.Count);
    }

    [Fact]
    public void Should_reject_non_UTF8_bytes_with_their_line()
    {
        var bytes = Encoding.UTF8.GetBytes("Package: a\nMaintainer: J").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes("r\xF4me <j@example.org>\n")).ToArray();

        var ex = Assert.Throws<ControlFileException>(() => ControlFile.Read(new MemoryStream(bytes), "latin1.dsc"));

        Assert.Equal(2, ex.Line);
        Assert.Contains("not valid UTF-8", ex.Message);
        Assert.Contains("0xE9", ex.Message);
    }

    [Fact]
    public void Should_report_an_empty_file_When_one_paragraph_is_expected()
    {
        var ex = Assert.Throws<ControlFileException>(() => ControlFile.ParseSingle("\n\n", "empty.dsc"));

        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Should_return_changed_copies_When_fields_are_set_or_removed()
    {
        var p = ControlFile.ParseSingle("Package: a\nVersion: 1\n", "t");

        var changed = p.With("version", "2").With("Size", "10").Without("Package");

        Assert.Equal("Version: 2\nSize: 10\n", changed.ToString());
        Assert.Equal("1", p["Version"]);
    }
}
