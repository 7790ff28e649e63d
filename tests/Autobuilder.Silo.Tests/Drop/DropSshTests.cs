using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Autobuilder.Silo.Tests.Drop;

/// <summary>
/// The SSH drop end to end, in both modes: real sshd with the shipped snippet, the real upload user,
/// keys made by ssh-keygen, real scp, sftp and dput (method scp). What the account directory
/// publishes is fed to the silo's writer directly (<see cref="DropHost.Publish"/>).
/// </summary>
public sealed class DropSshTests
{
    public static TheoryData<string> Modes => new() { "command", "file" };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Should_PutFilesIntoOwnProductFolder_When_UploaderUsesScpSftpOrDput(string mode)
    {
        using var host = DropHost.Start(mode);
        var jane = host.NewKey("jane");
        host.Publish(DropHost.Account("jane", true, jane), DropHost.Account("bob", true, host.NewKey("bob")));

        var files = host.Client["files"].EnsureFolder();
        var changes = new SourcePackage(Name: "hello-drop").BuildSourceChanges(files);
        // dput chmods remote files over ssh unless they are 0644 locally; the drop runs no commands.
        foreach (var f in Directory.GetFiles(files))
            File.SetUnixFileMode(f, (UnixFileMode)0b110_100_100);
        var dsc = Directory.GetFiles(files, "*.dsc").Single();

        host.Scp(jane, [dsc], "fremantle/").Ok();
        host.Sftp(jane, $"put {dsc} diablo/by-sftp.dsc\n").Ok();
        var dput = host.Dput(jane, "fremantle", changes);
        Assert.True(dput.ExitCode == 0, $"dput failed:\n{dput.Stdout}\n{dput.Stderr}\nsshd:\n{host.Log}");

        var fremantle = host.Area("jane", "fremantle");
        var names = Directory.GetFiles(fremantle).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(Directory.GetFiles(files).Select(Path.GetFileName).Where(n => !n!.EndsWith(".upload")).Order().ToList(), names);
        Assert.Equal(File.ReadAllBytes(changes), File.ReadAllBytes(Path.Combine(fremantle, Path.GetFileName(changes))));
        Assert.Equal(File.ReadAllBytes(dsc), File.ReadAllBytes(Path.Combine(host.Area("jane", "diablo"), "by-sftp.dsc")));
        // Files belong to the upload user and the area's group (the folder is setgid), nothing to anyone else.
        var stat = Tool.Run("stat", "-c", "%U:%G %a", Path.Combine(host.Area("jane", "diablo"), "by-sftp.dsc")).Ok().Stdout.Trim();
        Assert.Equal("upload:upload 640", stat);
        Assert.Empty(Directory.GetFileSystemEntries(host.Area("bob", "fremantle")));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Should_RefuseShellAndCommands_When_UploaderKeyAsksForThem(string mode)
    {
        using var host = DropHost.Start(mode);
        var jane = host.NewKey("jane");
        host.Publish(DropHost.Account("jane", true, jane));
        var marker = Path.Combine("/tmp", $"ab-drop-ran-{Guid.NewGuid():N}");

        var shell = host.Ssh(jane);
        Assert.NotEqual(0, shell.ExitCode);
        Assert.Contains("account jane may only upload files over SFTP (scp, sftp, dput method scp); there is no shell", shell.Stderr);

        var command = host.Ssh(jane, "touch", marker);
        Assert.NotEqual(0, command.ExitCode);
        Assert.Contains("the command 'touch' is not run", command.Stderr);
        Assert.False(File.Exists(marker));

        // What dput runs when the local files are not 0644.
        var chmod = host.Ssh(jane, "chmod", "0644", "fremantle/x.dsc");
        Assert.NotEqual(0, chmod.ExitCode);
        Assert.Contains("make them 0644", chmod.Stderr);

        var file = host.Client.Write("x.dsc", "x\n");
        var legacy = host.Scp(jane, [file], "fremantle/", "-O");
        Assert.NotEqual(0, legacy.ExitCode);
        Assert.Contains("legacy scp (scp -O) is not offered", legacy.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(host.Area("jane", "fremantle")));

        // A terminal is refused by sshd itself (PermitTTY no, restrict).
        var tty = Tool.Run("ssh", [.. host.ClientOptions(jane), "-p", host.Port.ToString(), "-tt", "upload@127.0.0.1", "true"], timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, tty.ExitCode);
        Assert.Contains("PTY allocation request failed", tty.Stderr);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Should_RefuseForwarding_When_UploaderAsksForPortForwards(string mode)
    {
        using var host = DropHost.Start(mode);
        var jane = host.NewKey("jane");
        host.Publish(DropHost.Account("jane", true, jane));

        // -R: sshd refuses the listener; ExitOnForwardFailure makes ssh say so and stop.
        var remote = Tool.Run("ssh", [.. host.ClientOptions(jane), "-p", host.Port.ToString(), "-N", "-o", "ExitOnForwardFailure=yes",
            "-R", $"127.0.0.1:{DropHost.FreePort()}:127.0.0.1:{host.Port}", "upload@127.0.0.1"], timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, remote.ExitCode);
        Assert.Contains("remote port forwarding failed", remote.Stderr);

        // -L: ssh listens locally; a connection through it must not reach sshd's own port (whose banner would come back).
        var local = DropHost.FreePort();
        var psi = new System.Diagnostics.ProcessStartInfo("ssh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in host.ClientOptions(jane).Concat(["-p", host.Port.ToString(), "-N", "-L", $"127.0.0.1:{local}:127.0.0.1:{host.Port}", "upload@127.0.0.1"]))
            psi.ArgumentList.Add(a);
        using var tunnel = System.Diagnostics.Process.Start(psi)!;
        try
        {
            // Connecting works only once ssh has logged in and listens: a refused login fails here, not silently.
            var received = ConnectAndRead(local, TimeSpan.FromSeconds(20));
            Assert.DoesNotContain("SSH-2.0", received);
        }
        finally
        {
            tunnel.Kill(entireProcessTree: true);
            tunnel.WaitForExit();
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Should_NotSeeNorTouchOtherAreas_When_UploaderTriesOtherPaths(string mode)
    {
        using var host = DropHost.Start(mode);
        var jane = host.NewKey("jane");
        host.Publish(DropHost.Account("jane", true, jane), DropHost.Account("bob", true, host.NewKey("bob")));
        var bobs = Path.Combine(host.Area("bob", "fremantle"), "bobs_1.0.dsc");
        File.WriteAllText(bobs, "bob's upload\n");
        var stolen = host.Client["stolen"];
        var file = host.Client.Write("evil.dsc", "evil\n");

        // Everything the server shows: its start folder is the area, and / holds only the sandbox's system parts.
        var look = host.Sftp(jane, "ls -1 /\nls -1 /upload\n-ls -1 ..\n").Ok().Stdout;
        Assert.DoesNotContain("bob", look);
        Assert.DoesNotContain("var", look);
        Assert.DoesNotContain("srv", look);
        Assert.Contains("/upload/fremantle", look);

        var attempts = host.Sftp(jane, string.Join("\n",
            $"-get ../bob/fremantle/bobs_1.0.dsc {stolen}",
            $"-get {bobs} {stolen}",
            "-ls ../bob",
            $"-ls {Path.GetDirectoryName(bobs)}",
            $"-put {file} ../bob/fremantle/evil.dsc",
            $"-put {file} {bobs}",
            $"-put {file} /evil.dsc",
            $"-put {file} /tmp/evil.dsc",
            $"-put {file} /upload/evil.dsc",
            "-symlink /etc/passwd fremantle/link",
            "-symlink ../../bob fremantle/link2",
            "-ln fremantle/x fremantle/hardlink",
            "-mkdir fremantle/sub",
            "-rename fremantle /upload/elsewhere",
            "-chmod 777 /upload",
            "") + "\n");
        Assert.Equal(0, attempts.ExitCode);
        Assert.Contains("Permission denied", attempts.Stderr);

        var scpOther = host.Scp(jane, [file], bobs);
        Assert.NotEqual(0, scpOther.ExitCode);
        var scpSteal = Tool.Run("scp", [.. host.ClientOptions(jane), "-P", host.Port.ToString(), $"upload@127.0.0.1:{bobs}", stolen], timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, scpSteal.ExitCode);

        Assert.False(File.Exists(stolen));
        Assert.Equal("bob's upload\n", File.ReadAllText(bobs));
        Assert.Equal(["bobs_1.0.dsc"], Directory.GetFileSystemEntries(host.Area("bob", "fremantle")).Select(Path.GetFileName));
        // Nothing but the product folders in jane's area, nothing in them, no link anywhere.
        Assert.Equal(["diablo", "fremantle"], Directory.GetFileSystemEntries(Path.Combine(host.Drop.Root, "jane")).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFileSystemEntries(host.Area("jane", "fremantle")));
        Assert.False(File.Exists(Path.Combine(host.Drop.Root, "evil.dsc")));
        Assert.Equal("750", Tool.Run("stat", "-c", "%a", Path.Combine(host.Drop.Root, "jane")).Ok().Stdout.Trim());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Should_RefuseLogin_When_KeyRemovedOrAccountDisabled(string mode)
    {
        using var host = DropHost.Start(mode);
        var jane = host.NewKey("jane");
        var jane2 = host.NewKey("jane2");
        var bob = host.NewKey("bob");
        host.Publish(DropHost.Account("jane", true, jane, jane2), DropHost.Account("bob", true, bob));
        var file = host.Client.Write("a.dsc", "a\n");
        host.Scp(jane, [file], "fremantle/").Ok();
        host.Scp(jane2, [file], "fremantle/b.dsc").Ok();
        host.Scp(bob, [file], "fremantle/").Ok();

        // jane's first key removed, bob disabled: the next login of each is refused by sshd.
        host.Publish(DropHost.Account("jane", true, jane2), DropHost.Account("bob", false, bob));
        var removed = host.Scp(jane, [file], "fremantle/c.dsc");
        Assert.NotEqual(0, removed.ExitCode);
        Assert.Contains("Permission denied (publickey)", removed.Stderr);
        var disabled = host.Scp(bob, [file], "fremantle/c.dsc");
        Assert.NotEqual(0, disabled.ExitCode);
        Assert.Contains("Permission denied (publickey)", disabled.Stderr);
        host.Scp(jane2, [file], "fremantle/d.dsc").Ok();

        // The disabled account's area stays, with its files, for the operator.
        Assert.True(File.Exists(Path.Combine(host.Area("bob", "fremantle"), "a.dsc")));
        Assert.False(File.Exists(Path.Combine(host.Area("jane", "fremantle"), "c.dsc")));
        Assert.True(File.Exists(Path.Combine(host.Area("jane", "fremantle"), "d.dsc")));

        // Removed from the directory altogether: refused too.
        host.Publish();
        Assert.Contains("Permission denied (publickey)", host.Scp(jane2, [file], "fremantle/e.dsc").Stderr);
    }

    private static string ConnectAndRead(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                client.ReceiveTimeout = 5000;
                var buffer = new byte[256];
                try
                {
                    var n = client.GetStream().Read(buffer);
                    return Encoding.ASCII.GetString(buffer, 0, n);
                }
                catch (IOException)
                {
                    return "";
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    [Fact]
    public void Should_BoundFilesAndArea_When_UploaderSendsMoreThanTheAreaLimit()
    {
        using var host = DropHost.Start("command");
        var jane = host.NewKey("jane");
        var bob = host.NewKey("bob");
        host.Drop.MaxAreaBytes = 1 << 20;
        host.Publish(DropHost.Account("jane", true, jane), DropHost.Account("bob", true, bob));

        host.Scp(jane, [host.Client.Write("small.dsc", new string('s', 100 << 10))], "fremantle/").Ok();
        // One file past what the area has left: the write fails (EFBIG), it does not fill the disk.
        var big = host.Scp(jane, [host.Client.Write("big.tar.gz", new string('b', 3 << 20))], "fremantle/");
        Assert.NotEqual(0, big.ExitCode);
        var kept = new FileInfo(Path.Combine(host.Area("jane", "fremantle"), "big.tar.gz"));
        Assert.True(!kept.Exists || kept.Length < 1 << 20, $"big.tar.gz holds {kept.Length} bytes in a 1 MiB area");

        // The area is (nearly) full now: the next login is refused and says why.
        var refused = host.Ssh(jane, "internal-sftp");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("its limit is 1 MiB", refused.Stderr);
        // Other areas are not concerned.
        host.Scp(bob, [host.Client.Write("b.dsc", "b\n")], "fremantle/").Ok();
    }

    [Fact]
    public void Should_EndSession_When_SeveralFilesTakeTheAreaOverItsLimit()
    {
        using var host = DropHost.Start("command");
        var jane = host.NewKey("jane");
        host.Drop.MaxAreaBytes = 1 << 20;
        host.Publish(DropHost.Account("jane", true, jane));
        var a = host.Client.Write("a.tar.gz", new string('a', 700 << 10));
        var b = host.Client.Write("b.tar.gz", new string('b', 700 << 10));
        var c = host.Client.Write("c.tar.gz", new string('c', 10));

        // Each file fits what was left at login; together they do not. The watchdog ends the
        // session within a second of the area going over (the batch waits 3 s before its last put).
        var session = host.Sftp(jane, $"put {a} fremantle/\nput {b} fremantle/\n!sleep 3\nput {c} fremantle/\n");
        // (The script says why on stderr, but sftp stops its ssh as soon as the pipe breaks, before that arrives.)
        Assert.NotEqual(0, session.ExitCode);
        Assert.False(File.Exists(Path.Combine(host.Area("jane", "fremantle"), "c.tar.gz")));
        var refused = host.Ssh(jane, "internal-sftp");
        Assert.Contains("its limit is 1 MiB", refused.Stderr);
    }
}
