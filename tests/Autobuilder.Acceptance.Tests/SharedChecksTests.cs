using Autobuilder.Acceptance.Checks;
using Autobuilder.Debian.Checksums;

namespace Autobuilder.Acceptance.Tests;

/// <summary>The checks both lists share, each asked of a garage .dsc and of a stage .changes, with the reason an uploader reads.</summary>
public sealed class SharedChecksTests
{
    private static SourceUploadContext Garage(string source = "hello", string version = "1.0-1", TakenFiles? taken = null, params string[] files) =>
        new() { DscFileName = $"{source}_{version}.dsc", Dsc = Facts.Dsc(source, version, "any", files), Taken = taken ?? Facts.Taken(files.Length == 0 ? [$"{source}_1.0.orig.tar.gz"] : files) };

    private static StageChangesContext Stage(string source = "hello", string version = "1.0-1", TakenFiles? taken = null, params string[] files) =>
        new() { ChangesFileName = $"{source}_{version}_amd64.changes", Changes = Facts.Changes(source, version, files: files), Taken = taken ?? Facts.Taken(files) };

    [Fact]
    public async Task Should_refuse_an_invalid_source_name_When_either_list_asks()
    {
        var garage = Assert.Single((await new SourceNameCheck().CheckAsync(Garage(source: "Hello"))).Rejections);
        var stage = Assert.Single((await new SourceNameCheck().CheckAsync(Stage(source: "Hello", files: "x_1_amd64.deb"))).Rejections);

        Assert.Equal("source name 'Hello' is not valid (Debian Policy 5.6.1: lower-case letters, digits, '+', '-', '.'; at least two characters)", garage.Reason);
        Assert.Equal(garage.Reason, stage.Reason);
        Assert.Equal(("source-name", "Hello_1.0-1.dsc", "Source", "Hello"), (garage.Check, garage.File, garage.Field, garage.Found));
        Assert.Equal("Hello_1.0-1_amd64.changes", stage.File);
    }

    [Fact]
    public async Task Should_quote_the_bad_version_When_it_is_not_a_debian_version()
    {
        var r = Assert.Single((await new VersionSyntaxCheck().CheckAsync(Garage(version: "1.0_beta"))).Rejections);

        Assert.StartsWith("hello_1.0_beta.dsc: ", r.Reason);
        Assert.Contains("1.0_beta", r.Reason);
        Assert.Equal(("version-syntax", "Version", "1.0_beta"), (r.Check, r.Field, r.Found));
    }

    [Fact]
    public async Task Should_refuse_before_any_file_is_looked_for_When_a_name_could_leave_its_folder()
    {
        var outcome = await new FileNamesCheck().CheckAsync(Garage(files: "../../etc/passwd"));

        var r = Assert.Single(outcome.Rejections);
        Assert.Equal("hello_1.0-1.dsc: unsafe file name: '../../etc/passwd' contains a path separator; only plain file names are allowed", r.Reason);
        Assert.Equal(CheckFlow.Gate, new FileNamesCheck().Flow);
    }

    [Fact]
    public async Task Should_refuse_When_the_control_file_lists_no_files()
    {
        var r = Assert.Single((await new FileNamesCheck().CheckAsync(Stage())).Rejections);

        Assert.Equal("hello_1.0-1_amd64.changes: names no files", r.Reason);
    }

    [Fact]
    public async Task Should_name_every_bad_file_with_expected_and_found_When_sums_or_sizes_differ()
    {
        var sums = new Dictionary<string, ChecksumSet>
        {
            ["a_1.deb"] = new(Facts.Sums("a_1.deb").Size, Facts.Sums("a_1.deb").Md5, Facts.Sums("a_1.deb").Sha1, new string('0', 64)),
            ["b_1.deb"] = new(3, "", "", ""),
        };
        var taken = new TakenFiles(sums, new Dictionary<string, string> { ["d_1.deb"] = "is a FIFO, not a regular file" });

        var outcome = await new FileSumsCheck().CheckAsync(Stage(taken: taken, files: ["a_1.deb", "b_1.deb", "c_1.deb", "d_1.deb"]));

        Assert.Equal([
            "d_1.deb: is a FIFO, not a regular file",
            $"a_1.deb: checksum mismatch in Checksums-Sha256: expected {Facts.Sums("a_1.deb").Sha256}, got {new string('0', 64)} (the file changed after the upload was signed, or was damaged in transfer)",
            $"b_1.deb: size mismatch: expected {Facts.Sums("b_1.deb").Size} bytes, found 3 (incomplete or changed upload)",
            "c_1.deb: missing (named in the upload but not uploaded)",
        ], outcome.Rejections.Select(r => r.Reason));
        Assert.Equal(("Size", Facts.Sums("b_1.deb").Size.ToString(), "3"), (outcome.Rejections[2].Field, outcome.Rejections[2].Expected, outcome.Rejections[2].Found));
    }

    [Fact]
    public async Task Should_not_trust_md5_alone_When_no_sha256_is_listed()
    {
        var dsc = Facts.Dsc();
        var entry = Facts.Entry("hello_1.0.orig.tar.gz", sha256: false);
        var context = new StageChangesContext { ChangesFileName = "x.changes", Changes = Facts.Changes(files: "hello_1.0.orig.tar.gz"), Taken = Facts.Taken(entry.Name) };
        var listed = new FakeListing(context, [entry]);

        var r = Assert.Single((await new FileSumsCheck().CheckAsync(listed)).Rejections);

        Assert.Equal("hello_1.0.orig.tar.gz: not listed in Checksums-Sha256; MD5 alone is not trusted (rebuild the upload with a current dpkg-source/dpkg-genchanges)", r.Reason);
        Assert.NotNull(dsc);
    }

    private sealed class FakeListing(IControlFileFacts inner, IReadOnlyList<FileEntry> files) : IControlFileFacts
    {
        public string ControlFileName => inner.ControlFileName;
        public string? Source => inner.Source;
        public string? Version => inner.Version;
        public IReadOnlyList<FileEntry> ListedFiles => files;
        public TakenFiles Taken => inner.Taken;
    }
}
