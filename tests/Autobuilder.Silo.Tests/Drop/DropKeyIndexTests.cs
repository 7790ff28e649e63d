using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Drop;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Tests.Drop;

/// <summary>
/// The key lines and the files the silo writes for sshd, without sshd: fingerprints as ssh-keygen
/// computes them, what is left out, the index as ab-drop-keys reads it (run as sshd runs it: as
/// abdropkeys, one process per lookup), and owners and modes of every file and folder.
/// </summary>
public sealed class DropKeyIndexTests : IDisposable
{
    private readonly TempDir _dir = new("ab-drop-index-");
    private readonly string _base = Path.Combine("/var/lib/autobuilder-drop-test", "index-" + Guid.NewGuid().ToString("N")[..12]);

    public DropKeyIndexTests()
    {
        Directory.CreateDirectory(_base, (UnixFileMode)0b111_101_101);
        DropScripts.Install(DropHost.ScriptsFolder);
    }

    public void Dispose()
    {
        _dir.Dispose();
        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public void Should_ComputeFingerprintAsSshKeygen_When_GivenKeysOfEachType()
    {
        foreach (var type in new[] { "ed25519", "rsa", "ecdsa" })
        {
            var path = _dir[$"k-{type}"];
            Tool.Run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", path).Ok();
            var expected = Tool.Run("ssh-keygen", "-lf", path + ".pub", "-E", "sha256").Ok().Stdout.Split(' ')[1];
            var parts = File.ReadAllText(path + ".pub").Split(' ');
            Assert.Equal(expected, DropKeyLines.Fingerprint(parts[0], parts[1]));
            // The blob must be of the stated type.
            Assert.Null(DropKeyLines.Fingerprint(type == "rsa" ? "ssh-ed25519" : "ssh-rsa", parts[1]));
        }
        Assert.Null(DropKeyLines.Fingerprint("ssh-ed25519", "not base64!"));
        Assert.Null(DropKeyLines.Fingerprint("ssh-dss", "AAAAB3NzaC1kc3M="));
    }

    [Fact]
    public void Should_LeaveOutDisabledDuplicatedAndBrokenKeys_When_MakingLines()
    {
        var a = SshKey.Generate(_dir["keys"], "a");
        var b = SshKey.Generate(_dir["keys"], "b");
        var c = SshKey.Generate(_dir["keys"], "c");
        var broken = DropHost.Account("carol", true, c) with
        {
            SshKeys = [new Autobuilder.Grains.SshPublicKey("SHA256:x", "ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIFAKE", "x", DateTimeOffset.UtcNow)],
        };
        var snapshot = new AccountSnapshot(1,
        [
            DropHost.Account("jane", true, a, b),
            DropHost.Account("bob", false, c),
            DropHost.Account("mallory", true, b),
            broken,
        ]);
        var limits = new DropLimits(8L << 30, 4L << 30);
        var (lines, skipped) = DropKeyLines.From(snapshot, "/usr/local/lib/autobuilder/drop/ab-drop-sftp", "/srv/autobuilder-drop", limits);

        var line = Assert.Single(lines);
        var aParts = a.PublicKey.Split(' ');
        Assert.Equal($"restrict,command=\"/usr/local/lib/autobuilder/drop/ab-drop-sftp /srv/autobuilder-drop jane 8589934592 4294967296\" {aParts[0]} {aParts[1]} jane", line.Line);
        Assert.Contains(skipped, s => s.Contains("belongs to accounts jane, mallory"));
        Assert.Contains(skipped, s => s.Contains("account carol: key SHA256:x is not a valid ssh-ed25519 public key"));
        Assert.Throws<ArgumentException>(() => DropKeyLines.From(snapshot, "/x/ab-drop-sftp\" evil", "/srv/autobuilder-drop", limits));
        Assert.Throws<ArgumentException>(() => DropKeyLines.From(snapshot, "/x/ab-drop-sftp", "/srv/drop x", limits));
        Assert.Throws<ArgumentException>(() => DropKeyLines.From(snapshot, "/x/ab-drop-sftp", "/srv/autobuilder-drop", new DropLimits(0, 1)));
    }

    [Fact]
    public void Should_AnswerEachKeyAndNothingElse_When_AbDropKeysRunsAsTheCommandUser()
    {
        var keys = Enumerable.Range(0, 6).Select(i => SshKey.Generate(_dir["keys"], $"k{i}")).ToList();
        var accounts = keys.Select((k, i) => DropHost.Account($"user{i}", true, k)).ToList();
        // Many more keys than the test made, so look(1) really bisects (fake keys: random ed25519 blobs).
        accounts.AddRange(Enumerable.Range(0, 3000).Select(i => FakeAccount($"filler{i}")));
        var (drop, writer) = Writer("command");
        var result = writer.Write(new AccountSnapshot(1, accounts), drop, ["fremantle"]);
        Assert.Equal(3006, result.Lines.Count);

        for (var i = 0; i < keys.Count; i++)
        {
            var parts = keys[i].PublicKey.Split(' ');
            var fp = DropKeyLines.Fingerprint(parts[0], parts[1])!;
            var answer = KeysCommand(drop, fp).Ok().Stdout;
            Assert.Equal($"restrict,command=\"{DropHost.ScriptsFolder}/ab-drop-sftp {drop.Root} user{i} 8589934592 4294967296\" {parts[0]} {parts[1]} user{i}\n", answer);
        }
        foreach (var odd in new[] { "SHA256:AAAA", "SHA256:", "SHA256:a b", "-n", "SHA256:../../etc/passwd", "MD5:aa:bb", "SHA256:*" })
            Assert.Equal("", KeysCommand(drop, odd).Ok().Stdout);
        // The index is for the command user and the silo only.
        Assert.Equal("root:abdropkeys 640", Stat(drop.KeyIndex));
        Assert.Equal("root:abdropkeys 750", Stat(Path.GetDirectoryName(drop.KeyIndex)!));
        Assert.NotEqual(0, Tool.Run("setpriv", "--reuid=upload", "--regid=upload", "--clear-groups", "--", "cat", drop.KeyIndex).ExitCode);
    }

    [Fact]
    public void Should_WriteAuthorizedKeysAndAreasWithOwnersAndModes_When_FileMode()
    {
        var a = SshKey.Generate(_dir["keys"], "a");
        var (drop, writer) = Writer("file");
        writer.Write(new AccountSnapshot(1, [DropHost.Account("jane", true, a), DropHost.Account("bob", false, SshKey.Generate(_dir["keys"], "b"))]), drop, ["fremantle", "diablo"]);

        var text = File.ReadAllText(drop.AuthorizedKeysFile);
        Assert.Single(text.Split('\n'), l => l.StartsWith("restrict,"));
        Assert.Contains(" jane\n", text);
        Assert.Equal("root:upload 640", Stat(drop.AuthorizedKeysFile));
        Assert.Equal("root:upload 750", Stat(drop.Root));
        Assert.Equal("root:upload 750", Stat(Path.Combine(drop.Root, "jane")));
        Assert.Equal("root:upload 2770", Stat(Path.Combine(drop.Root, "jane", "fremantle")));
        Assert.Equal("root:upload 2770", Stat(Path.Combine(drop.Root, "jane", "diablo")));
        Assert.False(Directory.Exists(Path.Combine(drop.Root, "bob")), "a disabled account gets no area");
        Assert.False(File.Exists(drop.KeyIndex), "file mode writes no index unless one exists");

        // A mode put wrong by hand is put right at the next write; a removed key is gone from the file.
        File.SetUnixFileMode(Path.Combine(drop.Root, "jane", "fremantle"), (UnixFileMode)0b111_111_111);
        writer.Write(new AccountSnapshot(2, [DropHost.Account("jane", true)]), drop, ["fremantle", "diablo"]);
        Assert.Equal("root:upload 2770", Stat(Path.Combine(drop.Root, "jane", "fremantle")));
        Assert.DoesNotContain("restrict,", File.ReadAllText(drop.AuthorizedKeysFile));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(drop.AuthorizedKeysFile)!, "*.tmp"));
    }

    private (DropOptions Drop, DropAccessWriter Writer) Writer(string mode)
    {
        var drop = new DropOptions
        {
            Enabled = true,
            Mode = mode,
            Root = Path.Combine(_base, "drop"),
            KeyIndex = Path.Combine(_base, "keys", "index"),
            AuthorizedKeysFile = Path.Combine(_base, "ssh", "authorized_keys"),
            Scripts = DropHost.ScriptsFolder,
        };
        return (drop, new DropAccessWriter(Options.Create(new AutobuilderOptions()), NullLogger<DropAccessWriter>.Instance));
    }

    /// <summary>ab-drop-keys exactly as sshd starts it: as the AuthorizedKeysCommandUser, no shell, the index and %f.</summary>
    private static ToolResult KeysCommand(DropOptions drop, string fingerprint) =>
        Tool.Run("setpriv", "--reuid=abdropkeys", "--regid=abdropkeys", "--clear-groups", "--",
            Path.Combine(DropHost.ScriptsFolder, DropScripts.KeysCommand), drop.KeyIndex, fingerprint);

    private static string Stat(string path) => Tool.Run("stat", "-c", "%U:%G %a", path).Ok().Stdout.Trim();

    /// <summary>An account with a random ed25519-shaped key (never used to log in; it fills the index).</summary>
    internal static Autobuilder.Grains.AccountDetails FakeAccount(string login, int keys = 1)
    {
        var list = new List<Autobuilder.Grains.SshPublicKey>();
        for (var k = 0; k < keys; k++)
        {
            var blob = new byte[51];
            blob[3] = 11;
            "ssh-ed25519"u8.CopyTo(blob.AsSpan(4));
            blob[18] = 32;
            System.Security.Cryptography.RandomNumberGenerator.Fill(blob.AsSpan(19));
            var b64 = Convert.ToBase64String(blob);
            list.Add(new Autobuilder.Grains.SshPublicKey(DropKeyLines.Fingerprint("ssh-ed25519", b64)!, "ssh-ed25519", b64, "", DateTimeOffset.UtcNow));
        }
        return DropHost.Account(login, true) with { SshKeys = list };
    }
}
