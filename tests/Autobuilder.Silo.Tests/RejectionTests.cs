using Autobuilder.Grains;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests;

/// <summary>Bad uploads end Rejected with a reason in the mail and in the history, and nothing stops the next one.</summary>
[Collection(PipelineCollection.Name)]
public sealed class RejectionTests(PipelineFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    private async Task<UploadDetails> RejectedAsync(string source, string reasonPart, string product = "bookworm", int? sequence = null)
    {
        var rejected = await Uploads.WaitAsync(Silo, source, d => d.Summary.Settled, "rejected and settled", product: product, sequence: sequence);
        Assert.Equal(UploadState.Rejected, rejected.Summary.State);
        Assert.Contains(rejected.History, h => h.To == UploadState.Rejected && h.Reason.Contains(reasonPart, StringComparison.Ordinal));
        Assert.True(Directory.Exists(rejected.Folder), $"rejected files folder {rejected.Folder} missing");
        Assert.StartsWith(Path.Combine(Silo.DataRoot, "rejected"), rejected.Folder);
        var mail = await fixture.WaitForMailAsync($"{rejected.Summary.Source} {rejected.Summary.Version} ({product}): REJECTED");
        Assert.Contains(reasonPart, mail.TextBody);
        return rejected;
    }

    [Fact]
    public async Task Should_reject_naming_the_file_When_a_checksum_does_not_match()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-badsum"), fixture.Scratch, tamper: folder =>
        {
            var orig = Path.Combine(folder, "ab-badsum_1.0.orig.tar.gz");
            var bytes = File.ReadAllBytes(orig);
            bytes[^5] ^= 0xFF;
            File.WriteAllBytes(orig, bytes);
        });

        await RejectedAsync("ab-badsum", "ab-badsum_1.0.orig.tar.gz: checksum mismatch");
    }

    [Fact]
    public async Task Should_reject_after_waiting_When_a_named_file_never_arrives()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-missing"), fixture.Scratch,
            tamper: folder => File.Delete(Path.Combine(folder, "ab-missing_1.0.orig.tar.gz")));

        var rejected = await RejectedAsync("ab-missing", "ab-missing_1.0.orig.tar.gz: missing");

        Assert.True(File.Exists(Path.Combine(rejected.Folder!, "ab-missing_1.0-1.dsc")));
    }

    [Fact]
    public async Task Should_reject_a_path_in_a_file_name_without_touching_anything_outside()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-evil"), fixture.Scratch, tamper: folder =>
        {
            var dsc = Path.Combine(folder, "ab-evil_1.0-1.dsc");
            File.WriteAllText(dsc, File.ReadAllText(dsc).Replace(" ab-evil_1.0.orig.tar.gz", " ../evil"));
        });

        await RejectedAsync("ab-evil", "unsafe file name");
    }

    [Fact]
    public async Task Should_reject_an_upload_for_a_product_this_autobuilder_does_not_build()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-product"), fixture.Scratch, product: "hardy");

        await RejectedAsync("ab-product", "unknown product 'hardy'", product: "hardy");
    }

    [Fact]
    public async Task Should_reject_a_malformed_dsc_with_the_parse_error()
    {
        var incoming = Silo.Incoming();
        File.WriteAllText(Path.Combine(incoming, "ab-garbage_1.0.dsc.part"), "Source: ab-garbage\nthis line has no colon\n");
        File.Move(Path.Combine(incoming, "ab-garbage_1.0.dsc.part"), Path.Combine(incoming, "ab-garbage_1.0.dsc"));

        await RejectedAsync("ab-garbage", "expected 'Field: value'");
    }

    [Fact]
    public async Task Should_reject_the_second_upload_When_its_version_is_not_newer()
    {
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-twice"), fixture.Scratch);
        await Uploads.WaitAsync(Silo, "ab-twice", d => d.Summary.Settled, "settled", sequence: 1);

        Uploads.Drop(Silo, new SourcePackage(Name: "ab-twice"), fixture.Scratch);

        await RejectedAsync("ab-twice", "is not newer than 1.0-1", sequence: 2);
    }

    [Fact]
    public async Task Should_reject_the_same_bad_upload_twice_into_two_places_and_keep_going()
    {
        void Tamper(string folder) => File.AppendAllText(Path.Combine(folder, "ab-again_1.0-1.debian.tar.xz"), "x");
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-again"), fixture.Scratch, tamper: Tamper);
        var first = await RejectedAsync("ab-again", "size mismatch", sequence: 1);

        Uploads.Drop(Silo, new SourcePackage(Name: "ab-again"), fixture.Scratch, tamper: Tamper);
        var second = await RejectedAsync("ab-again", "size mismatch", sequence: 2);
        Uploads.Drop(Silo, new SourcePackage(Name: "ab-after"), fixture.Scratch);

        Assert.NotEqual(first.Folder, second.Folder);
        Assert.True(File.Exists(Path.Combine(first.Folder!, "ab-again_1.0-1.dsc")));
        Assert.True(File.Exists(Path.Combine(second.Folder!, "ab-again_1.0-1.dsc")));
        var next = await Uploads.WaitAsync(Silo, "ab-after", d => d.Summary.State == UploadState.Done, "Done");
        Assert.Equal(UploadState.Published, next.Summary.Outcome);
    }
}
