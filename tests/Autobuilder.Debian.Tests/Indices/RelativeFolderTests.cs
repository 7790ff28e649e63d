using Autobuilder.Debian.Indices;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Indices;

/// <summary>Changes the process's current folder, so it must not run beside other tests.</summary>
[CollectionDefinition(nameof(CurrentFolder), DisableParallelization = true)]
public sealed class CurrentFolder;

[Collection(nameof(CurrentFolder))]
public class RelativeFolderTests
{
    [Theory]
    [InlineData("pool")]
    [InlineData("pool/")]
    [InlineData("./pool")]
    [InlineData(".")]
    public void Should_start_filenames_with_the_folder_as_given_When_it_is_relative(string folder)
    {
        using var dir = new TempDir();
        PackageScannerTests.BuildPool(dir);
        var previous = Environment.CurrentDirectory;

        string ours;
        Environment.CurrentDirectory = dir.Path;
        try
        {
            ours = PackageScannerTests.Output(PackageScanner.Scan(folder));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        Assert.Equal(PackageScannerTests.AptFtparchive(dir.Path, "packages", folder), ours);
    }
}
