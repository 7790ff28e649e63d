using Autobuilder.Debian.Signing;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Signing;

/// <summary>The embedded default's archive keys: made once per user id, found again, exported for gpgv.</summary>
public sealed class GpgKeysTests
{
    [Fact]
    public void Should_make_a_key_once_and_find_it_again_When_asked_twice_for_the_same_user_id()
    {
        // Arrange
        using var dir = new TempDir("ab-keys-");
        var home = dir["gnupg"];
        try
        {
            // Act
            var first = GpgKeys.FindOrCreate(home, "Autobuilder a archive key <a@autobuilder.invalid>");
            var again = GpgKeys.FindOrCreate(home, "Autobuilder a archive key <a@autobuilder.invalid>");
            var other = GpgKeys.FindOrCreate(home, "Autobuilder b archive key <b@autobuilder.invalid>");
            GpgKeys.ExportPublic(home, first, dir["a.gpg"]);
            var signed = new GpgSigner(home, first).ClearSign("Origin: test\n"u8.ToArray());
            File.WriteAllBytes(dir["InRelease"], signed);

            // Assert
            Assert.Equal(first, again);
            Assert.NotEqual(first, other);
            Assert.Equal(40, first.Length);
            var check = new Gpgv(dir["a.gpg"]).VerifyClearSigned(dir["InRelease"]);
            Assert.Equal(SignatureStatus.Valid, check.Status);
            Assert.Equal(first, check.Fingerprint);
        }
        finally
        {
            GpgAgents.Stop(home);
        }
    }
}
