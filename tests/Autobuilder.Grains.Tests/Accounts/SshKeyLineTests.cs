using Autobuilder.Grains.Accounts;
using Autobuilder.Testing;

namespace Autobuilder.Grains.Tests.Accounts;

/// <summary>SSH public keys made by the real ssh-keygen: our fingerprint is exactly the one ssh-keygen -lf prints (and sshd passes as %f).</summary>
public sealed class SshKeyLineTests : IDisposable
{
    private readonly TempDir _dir = new("ab-sshkeys-");

    public void Dispose() => _dir.Dispose();

    private (string Line, string Fingerprint, int Bits) Make(string type, int? bits = null)
    {
        var path = _dir[$"{type}-{bits}-{Guid.NewGuid():N}"];
        List<string> args = ["-q", "-t", type, "-N", "", "-C", "jane@laptop", "-f", path];
        if (bits is { } b)
            args.AddRange(["-b", b.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Tool.Run("ssh-keygen", args).Ok();
        // "256 SHA256:… jane@laptop (ED25519)"
        var listed = Tool.Run("ssh-keygen", "-lf", path + ".pub").Ok().Stdout.Split(' ');
        return (File.ReadAllText(path + ".pub").Trim(), listed[1], int.Parse(listed[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("ed25519", null)]
    [InlineData("rsa", 3072)]
    [InlineData("ecdsa", 256)]
    [InlineData("ecdsa", 384)]
    [InlineData("ecdsa", 521)]
    public void Should_compute_the_fingerprint_ssh_keygen_prints_When_given_a_key_it_made(string type, int? bits)
    {
        var (line, fingerprint, size) = Make(type, bits);

        var key = SshKeyLine.Parse(line);

        Assert.Equal(fingerprint, key.Fingerprint);
        Assert.Equal(size, key.Bits);
        Assert.Equal("jane@laptop", key.Comment);
        Assert.Equal(line, key.Line);
    }

    [Theory]
    [InlineData("restrict,command=\"/bin/sh\" ")]
    [InlineData("command=\"/bin/sh\" ")]
    [InlineData("no-pty ")]
    [InlineData("from=\"10.0.0.1\" ")]
    public void Should_refuse_the_key_When_the_line_carries_authorized_keys_options(string options)
    {
        var (line, _, _) = Make("ed25519");

        var refused = Assert.Throws<ArgumentException>(() => SshKeyLine.Parse(options + line));

        Assert.Contains("options", refused.Message);
        Assert.Contains("refused", refused.Message);
    }

    [Fact]
    public void Should_refuse_the_key_When_the_type_word_and_the_blob_disagree()
    {
        var (rsa, _, _) = Make("rsa", 3072);
        var blob = rsa.Split(' ')[1];

        var refused = Assert.Throws<ArgumentException>(() => SshKeyLine.Parse($"ssh-ed25519 {blob} x"));

        Assert.Contains("another type", refused.Message);
    }

    [Fact]
    public void Should_refuse_a_short_rsa_key_and_a_cut_blob_and_a_second_line()
    {
        var (small, _, _) = Make("rsa", 1024);
        Assert.Contains("1024 bits", Assert.Throws<ArgumentException>(() => SshKeyLine.Parse(small)).Message);

        var (ed, _, _) = Make("ed25519");
        var parts = ed.Split(' ');
        var cut = Convert.ToBase64String(Convert.FromBase64String(parts[1])[..20]);
        Assert.Contains("cut short", Assert.Throws<ArgumentException>(() => SshKeyLine.Parse($"ssh-ed25519 {cut}")).Message);
        Assert.Contains("more than one line", Assert.Throws<ArgumentException>(() => SshKeyLine.Parse(ed + "\n" + ed)).Message);
        Assert.Contains("not valid base64", Assert.Throws<ArgumentException>(() => SshKeyLine.Parse("ssh-ed25519 @@@@")).Message);
        Assert.Contains("DSA", Assert.Throws<ArgumentException>(() => SshKeyLine.Parse("ssh-dss AAAAB3NzaC1kc3M=")).Message);
    }
}
