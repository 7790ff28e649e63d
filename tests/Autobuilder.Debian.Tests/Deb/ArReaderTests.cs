using System.Text;
using Autobuilder.Debian.Deb;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Deb;

public class ArReaderTests
{
    [Fact]
    public void Should_read_every_member_written_by_ar_When_sizes_are_odd_and_even()
    {
        using var dir = new TempDir();
        dir.Write("one", "odd");        // 3 bytes: padded
        dir.Write("two", "even");       // 4 bytes: not padded
        dir.Write("three", "x");
        Tool.Run("ar", ["rcD", "t.a", "one", "two", "three"], workingDirectory: dir.Path).Ok();

        using var stream = File.OpenRead(dir["t.a"]);
        var ar = new ArReader(stream, "t.a");
        var members = new List<(string, string)>();
        while (ar.Next() is { } m)
            members.Add((m.Name, Encoding.ASCII.GetString(m.ReadAll())));

        Assert.Equal([("one", "odd"), ("two", "even"), ("three", "x")], members);
    }

    [Fact]
    public void Should_skip_unread_content_When_reading_from_a_non_seekable_stream()
    {
        using var dir = new TempDir();
        dir.Write("first", "12345");
        dir.Write("second", "abc");
        Tool.Run("ar", ["rcD", "t.a", "first", "second"], workingDirectory: dir.Path).Ok();
        var bytes = File.ReadAllBytes(dir["t.a"]);

        var ar = new ArReader(new NonSeekable(bytes), "t.a");
        ar.Next();
        var second = ar.Next()!;

        Assert.Equal("abc", Encoding.ASCII.GetString(second.ReadAll()));
        Assert.Null(ar.Next());
    }

    [Fact]
    public void Should_refuse_gnu_long_names_When_a_member_name_is_longer_than_15()
    {
        using var dir = new TempDir();
        dir.Write("a-very-long-member-name", "x");
        Tool.Run("ar", ["rcD", "t.a", "a-very-long-member-name"], workingDirectory: dir.Path).Ok();

        using var stream = File.OpenRead(dir["t.a"]);
        var ex = Assert.Throws<DebianFormatException>(() => new ArReader(stream, "t.a").Next());

        Assert.Contains("t.a", ex.Message);
        Assert.Contains("GNU", ex.Message);
    }

    [Fact]
    public void Should_report_truncation_When_the_file_ends_inside_a_member()
    {
        using var dir = new TempDir();
        dir.Write("member", new string('x', 100));
        Tool.Run("ar", ["rcD", "t.a", "member"], workingDirectory: dir.Path).Ok();
        var bytes = File.ReadAllBytes(dir["t.a"])[..^40];

        var ar = new ArReader(new MemoryStream(bytes), "t.a");
        var ex = Assert.Throws<DebianFormatException>(() => { ar.Next()!.ReadAll(); });

        Assert.Contains("t.a: truncated", ex.Message);
        Assert.Contains("'member'", ex.Message);
    }

    [Fact]
    public void Should_refuse_input_When_it_is_not_an_ar_archive()
    {
        var ex = Assert.Throws<DebianFormatException>(() => new ArReader(new MemoryStream("hello world\n"u8.ToArray()), "x.deb"));

        Assert.Equal("x.deb: not a .deb: not an ar archive (it does not start with '!<arch>')", ex.Message);
    }

    internal sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
