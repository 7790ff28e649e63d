using Autobuilder.Grains.Services;
using Autobuilder.Silo.Files;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Files;

/// <summary>
/// The garage's check of what a build left, on real files: a .dsc from dpkg-source, .debs from
/// dpkg-deb and .changes from dpkg-genchanges. Every refusal names the file.
/// </summary>
public sealed class ResultOwnershipTests : IDisposable
{
    private readonly TempDir _dir = new("ab-ownership-");
    private readonly string _upload;
    private readonly string _results;
    private readonly BuildOrigin _origin;

    public ResultOwnershipTests()
    {
        // Given (for every test): the upload ab-own 1.0-1 and what its amd64 build really makes.
        _upload = Directory.CreateDirectory(_dir["upload"]).FullName;
        var dsc = new SourcePackage(Name: "ab-own").BuildSource(_upload);
        _origin = new BuildOrigin(_upload, Path.GetFileName(dsc), "ab-own", "1.0-1", "bookworm", "amd64");
        _results = Directory.CreateDirectory(_dir["results"]).FullName;
        var built = Directory.CreateDirectory(_dir["built"]).FullName;
        var changes = new StagePackage("ab-own").Build(built);
        foreach (var name in new[] { "ab-own_1.0-1_amd64.deb", Path.GetFileName(changes) })
            File.Copy(Path.Combine(built, name), Path.Combine(_results, name));
        File.WriteAllText(Path.Combine(_results, ResultOwnership.BuildLog), "the runner's log\n");
    }

    public void Dispose() => _dir.Dispose();

    private IReadOnlyList<string> Check(bool allowBinNmu = false) => ResultOwnership.Check(_results, _origin, allowBinNmu);

    private string Deb(string fileName, string control) =>
        DebBuilder.Build(_dir.Path, Path.Combine(_results, fileName), control + "Maintainer: M <m@example.org>\nDescription: d\n");

    [Fact]
    public void Should_accept_the_results_When_every_file_is_the_uploads_own()
    {
        Assert.Empty(Check());
    }

    [Fact]
    public void Should_refuse_naming_each_file_When_the_build_left_a_package_and_changes_of_another_source()
    {
        // Given: what debian/rules could leave in ../ : bash 99 with a .changes for Source: bash.
        var other = Directory.CreateDirectory(_dir["bash"]).FullName;
        var changes = new StagePackage("bash", Version: "99").Build(other);
        File.Copy(Path.Combine(other, "bash_99_amd64.deb"), Path.Combine(_results, "bash_99_amd64.deb"));
        File.Copy(changes, Path.Combine(_results, Path.GetFileName(changes)));

        // When
        var problems = Check();

        // Then
        Assert.Contains("bash_99_amd64.deb: built from source bash, not from this upload's ab-own", problems);
        Assert.Contains("bash_99_amd64.deb: package bash is not named in ab-own_1.0-1.dsc (Binary: ab-own)", problems);
        Assert.Contains("bash_99_amd64.changes: is for source bash, not this upload's ab-own", problems);
    }

    [Fact]
    public void Should_refuse_a_package_the_dsc_does_not_name_When_it_claims_the_uploads_source()
    {
        Deb("x_99_amd64.deb", "Package: x\nSource: ab-own\nVersion: 99\nArchitecture: amd64\n");

        var problems = Check();

        Assert.Contains("x_99_amd64.deb: built from ab-own 99, not from this upload's ab-own 1.0-1", problems);
        Assert.Contains("x_99_amd64.deb: has version 99, not this upload's 1.0-1", problems);
        Assert.Contains("x_99_amd64.deb: package x is not named in ab-own_1.0-1.dsc (Binary: ab-own)", problems);
    }

    [Fact]
    public void Should_refuse_without_reading_it_When_a_result_is_a_symbolic_link_a_FIFO_or_a_folder()
    {
        // Given: a link to the genuine package (same bytes, so only its kind is wrong), a FIFO, a folder.
        var genuine = Path.Combine(_dir.Path, "genuine.deb");
        File.Move(Path.Combine(_results, "ab-own_1.0-1_amd64.deb"), genuine);
        File.CreateSymbolicLink(Path.Combine(_results, "ab-own_1.0-1_amd64.deb"), genuine);
        Tool.Run("mkfifo", Path.Combine(_results, "ab-own-fifo_1.0-1_amd64.deb")).Ok();
        Directory.CreateDirectory(Path.Combine(_results, "ab-own-dir_1.0-1_amd64.deb"));

        // When: a FIFO opened for reading would block here for good.
        var problems = Check();

        // Then
        Assert.Contains("ab-own_1.0-1_amd64.deb: is a symbolic link, not a regular file", problems);
        Assert.Contains("ab-own-fifo_1.0-1_amd64.deb: is a FIFO (named pipe), not a regular file", problems);
        Assert.Contains("ab-own-dir_1.0-1_amd64.deb: is a folder, not a regular file", problems);
    }

    [Fact]
    public void Should_refuse_a_file_of_another_kind_and_a_changes_naming_a_missing_file()
    {
        File.WriteAllText(Path.Combine(_results, "notes.txt"), "hello\n");
        var changes = Directory.GetFiles(_results, "*.changes").Single();
        File.WriteAllText(changes, File.ReadAllText(changes).Replace("ab-own_1.0-1_amd64.deb", "ab-own_1.0-1_i386.deb"));

        var problems = Check();

        Assert.Contains("notes.txt: not a package, .changes or .buildinfo; a build hands off nothing else", problems);
        Assert.Contains($"{Path.GetFileName(changes)}: names ab-own_1.0-1_i386.deb, which the build did not leave", problems);
    }

    [Fact]
    public void Should_refuse_another_architecture_and_a_wrong_file_name()
    {
        Deb("ab-own_1.0-1_i386.deb", "Package: ab-own\nVersion: 1.0-1\nArchitecture: i386\n");
        Deb("ab-own_1.0-1_all.deb", "Package: ab-own\nVersion: 1.0-1\nArchitecture: amd64\n");

        var problems = Check();

        Assert.Contains("ab-own_1.0-1_i386.deb: is for architecture i386, but this build was for amd64", problems);
        Assert.Contains("ab-own_1.0-1_all.deb: its control file says ab-own 1.0-1 for amd64, so it must be named ab-own_1.0-1_amd64.deb", problems);
    }

    [Fact]
    public void Should_take_a_binNMU_version_only_When_the_product_allows_it()
    {
        Deb("ab-own_1.0-1+b1_amd64.deb", "Package: ab-own\nSource: ab-own (1.0-1)\nVersion: 1.0-1+b1\nArchitecture: amd64\n");

        Assert.Contains("ab-own_1.0-1+b1_amd64.deb: has version 1.0-1+b1, not this upload's 1.0-1", Check(allowBinNmu: false));
        Assert.Empty(Check(allowBinNmu: true));
    }

    [Fact]
    public void Should_take_the_debug_symbols_package_debhelper_makes_When_its_package_is_named()
    {
        Deb("ab-own-dbgsym_1.0-1_amd64.deb",
            "Package: ab-own-dbgsym\nSource: ab-own\nVersion: 1.0-1\nArchitecture: amd64\nAuto-Built-Package: debug-symbols\n");
        Deb("other-dbgsym_1.0-1_amd64.deb",
            "Package: other-dbgsym\nSource: ab-own\nVersion: 1.0-1\nArchitecture: amd64\nAuto-Built-Package: debug-symbols\n");

        var problems = Check();

        Assert.Equal(["other-dbgsym_1.0-1_amd64.deb: package other-dbgsym is not named in ab-own_1.0-1.dsc (Binary: ab-own)"], problems);
    }
}
