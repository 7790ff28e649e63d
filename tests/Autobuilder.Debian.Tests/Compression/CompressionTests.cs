using System.Text;
using Autobuilder.Debian.Compression;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Compression;

public class CompressionTests
{
    private static readonly byte[] Sample = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"Package: p{i}\nVersion: 1.{i}\n\n")));

    [Theory]
    [InlineData("xz", CompressionKind.Xz)]
    [InlineData("gzip", CompressionKind.Gzip)]
    [InlineData("zstd", CompressionKind.Zstd)]
    public void Should_decompress_what_the_real_tool_wrote(string tool, CompressionKind kind)
    {
        using var dir = new TempDir();
        var plain = dir["sample"];
        File.WriteAllBytes(plain, Sample);
        var compressed = Tool.RunBytes(tool, ["-c", plain]);

        using var s = Compressions.Decompress(new MemoryStream(compressed), kind);
        using var back = new MemoryStream();
        s.CopyTo(back);

        Assert.Equal(Sample, back.ToArray());
    }

    [Theory]
    [InlineData("xz", CompressionKind.Xz)]
    [InlineData("gzip", CompressionKind.Gzip)]
    [InlineData("zstd", CompressionKind.Zstd)]
    public void Should_write_what_the_real_tool_reads(string tool, CompressionKind kind)
    {
        using var dir = new TempDir();
        var file = dir["sample" + Compressions.Extension(kind)];
        using (var f = File.Create(file))
        using (var c = Compressions.Compress(f, kind))
            c.Write(Sample);

        var back = Tool.RunBytes(tool, ["-dc", file]);

        Assert.Equal(Sample, back);
    }

    [Fact]
    public void Should_report_truncated_xz_data()
    {
        using var ms = new MemoryStream();
        using (var c = XzStream.Compress(ms, leaveOpen: true))
            c.Write(Sample);
        var truncated = ms.ToArray()[..(int)(ms.Length / 2)];

        var ex = Assert.Throws<InvalidDataException>(() => XzStream.Decompress(new MemoryStream(truncated)).CopyTo(Stream.Null));

        Assert.Contains("xz", ex.Message);
    }
}
