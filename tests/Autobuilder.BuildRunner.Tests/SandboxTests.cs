using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using Autobuilder.Debian.Uploads;
using Autobuilder.Testing;

namespace Autobuilder.BuildRunner.Tests;

/// <summary>
/// ab-build-sandbox run as a real slot account (abbuild1, made by scripts/install-deps) through
/// setpriv, as a root silo starts it: the build is that user's, sees a clean environment, no
/// network unless asked, and leaves nothing running.
/// </summary>
public sealed class SandboxTests : IDisposable
{
    private const string User = "abbuild1";
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"ab-sandbox-test-{Guid.NewGuid():N}");
    private readonly string _script;

    public SandboxTests()
    {
        // Outside the test's 0700 temp folders: the slot user must reach its own folder.
        Directory.CreateDirectory(_root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        _script = Path.Combine(_root, BuildSandboxScript.FileName);
        File.WriteAllBytes(_script, BuildSandboxScript.ReadBytes());
        File.SetUnixFileMode(_script, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(SlotFolder);
        Tool.Run("chown", User, SlotFolder).Ok();
    }

    private string SlotFolder => Path.Combine(_root, User);

    [Fact]
    public void Should_refuse_When_started_as_root()
    {
        var run = Run(asRoot: true, ["--check", Path.Combine(SlotFolder, "x")]);

        Assert.Equal(BuildSandboxScript.SetupFailed, run.ExitCode);
        Assert.Contains("refusing to run as root", run.Output);
    }

    [Fact]
    public void Should_build_as_the_slot_user_with_a_clean_environment_and_no_network_When_network_is_off()
    {
        // Given a listener the build would reach on 127.0.0.1, and a secret in the starter's environment.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var package = new SourcePackage(Name: "ab-sandboxed",
            RulesBuild: $"env | sort && id -un && {Connect(port)}");

        // When it builds through the sandbox.
        var run = Build(package, "b1");

        // Then it built, as abbuild1, with only the build's own variables, and reached nothing.
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("\nabbuild1\n", run.Output);
        Assert.Contains("CONNECT-FAILED-42", run.Output);
        Assert.Contains("Network is unreachable", run.Output);
        Assert.DoesNotContain("CONNECT-OK-42", run.Output);
        Assert.DoesNotContain("AB_SANDBOX_TEST_SECRET", run.Output);
        Assert.Contains($"HOME={SlotFolder}/b1/.home", run.Output);
        Assert.Contains($"TMPDIR={SlotFolder}/b1/.tmp", run.Output);
        Assert.Contains("LC_ALL=C.UTF-8", run.Output);
        Assert.Equal(User, Tool.Run("stat", "-c", "%U", Path.Combine(SlotFolder, "b1", "results", $"ab-sandboxed_1.0-1_{BuildFolder.Arch}.deb")).Ok().Stdout.Trim());
    }

    [Fact]
    public void Should_reach_the_network_When_the_slot_allows_it()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var package = new SourcePackage(Name: "ab-networked",
            RulesBuild: Connect(port));

        var run = Build(package, "b2", "--network");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("CONNECT-OK-42", run.Output);
        Assert.DoesNotContain("CONNECT-FAILED-42", run.Output);
    }

    [Fact]
    public void Should_leave_no_process_running_and_remove_everything_When_the_build_left_a_process_and_a_locked_folder()
    {
        // A process the build leaves behind, and a folder it made unreadable even to itself.
        var package = new SourcePackage(Name: "ab-lingering",
            RulesBuild: "(setsid sleep 347 >/dev/null 2>&1 &) && mkdir -p ../locked/inner && chmod 000 ../locked");

        var run = Build(package, "b3");
        var lingering = Tool.Run("pgrep", "-u", User, "-f", "sleep 347");
        var clean = Run(asRoot: false, ["--clean", Path.Combine(SlotFolder, "b3")]);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.NotEqual(0, lingering.ExitCode);
        Assert.Equal(0, clean.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(SlotFolder, "b3")));
    }

    [Fact]
    public void Should_refuse_a_folder_outside_a_slot_folder_of_its_own_When_asked_to_build_there()
    {
        var run = Run(asRoot: false, ["--check", Path.Combine(_root, "elsewhere", "..", User, "b4")]);
        var foreign = Run(asRoot: false, ["--clean", "/var/tmp/x"]);

        Assert.Equal(BuildSandboxScript.SetupFailed, run.ExitCode);
        Assert.Contains("plain absolute path", run.Output);
        Assert.Equal(BuildSandboxScript.SetupFailed, foreign.ExitCode);
        Assert.Contains("does not belong to abbuild1", foreign.Output);
    }

    /// <summary>
    /// A recipe line that connects with bash's /dev/tcp (make runs recipes with sh) and prints the
    /// outcome as CONNECT-OK-42 or CONNECT-FAILED-42: computed, so make's echo of the line never matches.
    /// </summary>
    private static string Connect(int port) =>
        $"bash -c 'if (exec 3<>/dev/tcp/127.0.0.1/{port}); then echo CONNECT-OK-$$((6*7)); else echo CONNECT-FAILED-$$((6*7)); fi'";

    private (int ExitCode, string Output) Build(SourcePackage package, string name, params string[] extra)
    {
        var upload = Path.Combine(_root, "upload-" + name);
        Directory.CreateDirectory(upload);
        var dsc = package.BuildSource(upload);
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var file in DscFile.Load(dsc).Files.Select(f => f.Name).Append(Path.GetFileName(dsc)))
                writer.WriteEntry(Path.Combine(upload, file), file);
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, BuildRunnerScript.FileName)
            {
                DataStream = new MemoryStream(BuildRunnerScript.ReadBytes()),
                Mode = (UnixFileMode)0b111_101_101,
            });
        }
        var work = Path.Combine(SlotFolder, name);
        return Run(asRoot: false, ["--run", work, .. extra, "--", "--dsc", package.DscName, "--arch", BuildFolder.Arch, "--mode", "host", "--build-type", "any"], tar.ToArray(),
            work);
    }

    /// <summary>The sandbox as <see cref="User"/> (or as root, to see it refuse), with a secret in the starter's environment.</summary>
    private (int ExitCode, string Output) Run(bool asRoot, string[] args, byte[]? stdin = null, string? work = null)
    {
        var psi = new ProcessStartInfo(asRoot ? _script : "setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!asRoot)
        {
            foreach (var a in new[] { $"--reuid={User}", $"--regid={User}", "--init-groups", "--", _script })
                psi.ArgumentList.Add(a);
        }
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["AB_SANDBOX_TEST_SECRET"] = "AB_SANDBOX_TEST_SECRET";
        // As the silo sets it for setpriv (sudo sets it itself).
        psi.Environment["USER"] = asRoot ? "root" : User;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the sandbox did not end within 3 minutes");
        }
        var log = work is not null && File.Exists(Path.Combine(work, BuildRunnerFiles.Log)) ? File.ReadAllText(Path.Combine(work, BuildRunnerFiles.Log)) : "";
        return (process.ExitCode, stdout.Result + stderr.Result + log);
    }

    public void Dispose()
    {
        Tool.Run("rm", "-rf", _root);
    }
}
