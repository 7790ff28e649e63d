using System.Diagnostics;
using System.Runtime.InteropServices;
using Autobuilder.BuildRunner;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Execution.Sandbox;

/// <summary>
/// How a local slot's host-mode build is started: never as the silo, always as the slot's own unix
/// user, through <c>ab-build-sandbox</c> (clean environment, own user, PID and — unless the slot
/// says <c>"Network": true</c> — network namespaces). A silo running as root switches user with
/// <c>setpriv</c>; any other silo with <c>sudo -n -u USER</c>, which needs the rule in
/// docs/sudoers-autobuilder. When the switch is impossible the slot is refused with the reason;
/// there is no fallback to the silo's own user.
/// </summary>
public sealed partial class BuildSandbox(string script, string buildRoot, bool siloIsRoot)
{
    private const string Setpriv = "/usr/bin/setpriv";
    private const string Sudo = "/usr/bin/sudo";

    /// <summary>The sandbox script run as the slot user.</summary>
    public string Script { get; } = script;

    /// <summary>Slot folders live here: &lt;BuildRoot&gt;/&lt;user&gt;/.</summary>
    public string BuildRoot { get; } = Path.GetFullPath(buildRoot);

    public bool SiloIsRoot { get; } = siloIsRoot;

    /// <summary>From the options: a configured script, else a root silo's own installed copy, else the path the sudo rule names.</summary>
    public static BuildSandbox FromOptions(AutobuilderOptions options)
    {
        var root = SlotAccount.SiloIsRoot;
        var script = options.BuildSandbox is { Length: > 0 } configured ? Path.GetFullPath(configured)
            : root ? BuildSandboxScript.InstallUnder("/usr/local/lib/autobuilder/sandbox")
            : BuildSandboxScript.InstalledPath;
        return new BuildSandbox(script, options.BuildRoot, root);
    }

    public string SlotFolder(SlotAccount account) => Path.Combine(BuildRoot, account.Name);

    /// <summary>The slot's account, or why builds cannot run as it (the slot is then refused, never run as the silo).</summary>
    public SlotAccount AccountOf(SlotConfig slot)
    {
        var account = SlotAccount.Find(slot.User)
            ?? throw new HostUnreachableException(
                $"unix user '{slot.User}' of slot {slot.Key} does not exist: builds run as the slot's own account, never as the silo; " +
                $"create it (scripts/install-deps makes abbuild1 and abbuild2; or: useradd --system --shell /usr/sbin/nologin {slot.User})");
        if (account.Uid == 0)
            throw new HostUnreachableException($"slot {slot.Key}: unix user '{slot.User}' is root; builds run only as an unprivileged account");
        if (account.Uid == GetEuid())
            throw new HostUnreachableException($"slot {slot.Key}: unix user '{slot.User}' is the silo's own user; give the slot an account of its own");
        return account;
    }

    /// <summary>
    /// A root silo makes the build root (0755) and the slot's folder (owned by the slot user, 0755);
    /// any other silo leaves that to the sandbox, which makes the slot folder when it can and else
    /// says which command makes it.
    /// </summary>
    public void PrepareSlotFolder(SlotAccount account)
    {
        if (!SiloIsRoot)
            return;
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!Directory.Exists(BuildRoot))
            Directory.CreateDirectory(BuildRoot, open);
        var folder = SlotFolder(account);
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, open);
            if (LChown(folder, account.Uid, account.Gid) != 0)
                throw new IOException($"cannot give {folder} to {account.Name} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>The sandbox as the slot's user, with <paramref name="arguments"/>; the environment holds nothing of the silo's.</summary>
    public ProcessStartInfo StartInfo(SlotAccount account, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(SiloIsRoot ? Setpriv : Sudo)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (SiloIsRoot)
        {
            // setpriv execs straight into the sandbox: no shell, no PAM session, groups of the slot user only.
            psi.ArgumentList.Add($"--reuid={account.Uid}");
            psi.ArgumentList.Add($"--regid={account.Gid}");
            psi.ArgumentList.Add("--init-groups");
            psi.ArgumentList.Add("--");
        }
        else
        {
            // -n: never ask for a password (fail at once when the rule is missing).
            psi.ArgumentList.Add("-n");
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(account.Name);
            psi.ArgumentList.Add("--");
        }
        psi.ArgumentList.Add(Script);
        foreach (var argument in arguments)
            psi.ArgumentList.Add(argument);
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        psi.Environment["LC_ALL"] = "C.UTF-8";
        // Who the sandbox runs as, for its messages and the build's USER (sudo sets it itself).
        if (SiloIsRoot)
            psi.Environment["USER"] = account.Name;
        return psi;
    }

    /// <summary>Null when a build can start as the slot's user, else why not (for the slot's Offline reason).</summary>
    public async Task<string?> CheckAsync(SlotConfig slot, CancellationToken ct)
    {
        SlotAccount account;
        try
        {
            account = AccountOf(slot);
            PrepareSlotFolder(account);
        }
        catch (Exception ex) when (ex is HostUnreachableException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
        var (code, output) = await RunAsync(account, ["--check", Path.Combine(SlotFolder(account), "check"), .. slot.Network ? ["--network"] : Array.Empty<string>()], ct);
        return code == 0 ? null : CannotStart(account, output);
    }

    /// <summary>Removes a build's folder: a root silo itself (no process to start per build), any other as the slot's user.</summary>
    public async Task CleanAsync(SlotAccount account, string folder)
    {
        if (SiloIsRoot)
        {
            // Nothing of the build runs any more (its PID namespace ended with the runner), and
            // root's removal needs no permission the build could have taken away.
            BuildOutput.TryDelete(folder);
            return;
        }
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await RunAsync(account, ["--clean", folder], cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.ComponentModel.Win32Exception)
        {
            // Left for the next attempt of this name, which clears it first.
        }
    }

    /// <summary>The words for a slot's Offline reason when the sandbox could not start, from what it or sudo printed.</summary>
    public string CannotStart(SlotAccount account, string output)
    {
        var said = string.Join(" ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        if (SiloIsRoot)
            return $"cannot start builds as '{account.Name}': {said}";
        if (!File.Exists(Sudo))
            return $"cannot start builds as '{account.Name}': the silo does not run as root and sudo is not installed; " +
                "install sudo and the rule in docs/sudoers-autobuilder (docs/operations.md)";
        return said.StartsWith("sudo:", StringComparison.Ordinal)
            ? $"cannot start builds as '{account.Name}': sudo refused '{Sudo} -n -u {account.Name} {Script}' ({said}); " +
              $"install the rule of docs/sudoers-autobuilder as /etc/sudoers.d/autobuilder for the silo's user (docs/operations.md)"
            : $"cannot start builds as '{account.Name}': {said}";
    }

    private async Task<(int Code, string Output)> RunAsync(SlotAccount account, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var psi = StartInfo(account, arguments);
        psi.RedirectStandardInput = false;
        using var process = Process.Start(psi) ?? throw new IOException($"cannot start {psi.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stderr + await stdout);
    }

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
