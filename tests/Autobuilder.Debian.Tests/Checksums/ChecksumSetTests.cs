using Autobuilder.Debian.Checksums;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Checksums;

public class ChecksumSetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4 << 20)]
    [InlineData((9 << 20) + 12345)]
    public void Should_equal_the_coreutils_sums_for_any_size(int size)
    {
        using var dir = new TempDir();
        var file = dir["data"];
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(file, bytes);

        var sums = ChecksumSet.ComputeFile(file);

        Assert.Equal(size, sums.Size);
        Assert.Equal(Tool.Run("md5sum", file).Ok().Stdout[..32], sums.Md5);
        Assert.Equal(Tool.Run("sha1sum", file).Ok().Stdout[..40], sums.Sha1);
        Assert.Equal(Tool.Run("sha256sum", file).Ok().Stdout[..64], sums.Sha256);
        Assert.Equal(sums, ChecksumSet.Compute(bytes));
    }
}
