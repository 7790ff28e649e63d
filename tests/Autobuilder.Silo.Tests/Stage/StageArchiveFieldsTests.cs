using System.Security.Cryptography;
using Autobuilder.Testing;

namespace Autobuilder.Silo.Tests.Stage;

/// <summary>
/// A .deb's control file is the packager's word: the archive fields apt checks (Filename, Size,
/// MD5sum, SHA1, SHA256, SHA512) must be ours in the published index, and a line separator other
/// than LF inside a value must not become a field of its own anywhere between the .deb and apt.
/// </summary>
[Collection(StageCollection.Name)]
public sealed class StageArchiveFieldsTests(StageFixture fixture)
{
    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Should_publish_our_sums_and_no_extra_field_When_a_deb_forges_SHA512_and_hides_a_field_behind_U2028()
    {
        // Given: a .deb whose control forges every sum and hides "SHA256: …" behind U+2028 in a field.
        var forged512 = new string('f', 128);
        var hidden256 = new string('c', 64);
        var package = new StagePackage("ab-forged", ExtraControl:
            $"SHA512: {forged512}\nMD5sum: {new string('a', 32)}\nSize: 1\nFilename: pool/evil.deb\nX-Note: note\u2028SHA256: {hidden256}\n");
        var changes = StageQueue.Drop(Silo, package, fixture.Scratch);
        var deb = Path.Combine(Path.GetDirectoryName(changes)!, package.DebName("ab-forged", "amd64"));
        var bytes = File.ReadAllBytes(deb);

        // When: the stage publishes it and the real apt reads the index.
        await StageQueue.WaitForAsync(Silo, "extras-devel/bookworm", "ab-forged", "1.0-1");
        using var apt = StageQueue.Apt(Silo, "extras-devel");
        StageQueue.AssertCleanUpdate(apt.Update());
        var shown = apt.Run("apt-cache", "show", "ab-forged").Ok().Stdout;

        // Then: apt sees our size and sums, our file name, the note as one field, nothing forged.
        var fields = shown.Split('\n').Where(l => l.Length > 0 && l[0] is not (' ' or '\t'))
            .Select(l => (Name: l[..l.IndexOf(':')], Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        string Field(string name) => Assert.Single(fields, f => f.Name == name).Value;
        Assert.Equal(bytes.Length.ToString(), Field("Size"));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), Field("MD5sum"));
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(bytes)), Field("SHA1"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), Field("SHA256"));
        Assert.DoesNotContain(fields, f => f.Name == "SHA512");
        Assert.Matches("^pool/[a-z-]+/a/ab-forged/ab-forged_1.0-1_amd64.deb$", Field("Filename"));
        Assert.Equal($"note\u2028SHA256: {hidden256}", Field("X-Note"));
        Assert.DoesNotContain(forged512, shown);
        // And the package apt downloads is the one whose sums it was given.
        apt.Run("apt-get", "download", "ab-forged").Ok();
        Assert.Equal(bytes, File.ReadAllBytes(Directory.GetFiles(apt.Downloads, "ab-forged_*.deb").Single()));
    }
}
