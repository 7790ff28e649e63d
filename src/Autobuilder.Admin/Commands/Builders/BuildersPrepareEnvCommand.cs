using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Autobuilder.BuildRunner;
using Spectre.Console.Cli;

namespace Autobuilder.Admin.Commands.Builders;

/// <summary>
/// <c>autobuilder builders prepare-env --dist D --arch A</c>: makes the base tarball that chroot-mode
/// slots build in (<c>mmdebstrap --variant=buildd</c>: essential packages plus build-essential),
/// on this machine, as <c>DIR/D-A.tar</c>. It runs on the builder host itself (a chroot slot's
/// <c>ChrootTarballs</c> folder is a path there), needs no running silo, and keeps an existing
/// tarball unless <c>--refresh</c> says otherwise: every build upgrades its throwaway copy anyway, so
/// a refresh only makes builds shorter.
/// </summary>
public sealed class BuildersPrepareEnvCommand : Command<BuildersPrepareEnvCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--dist <DIST>")]
        [Description("Distribution codename (a product), e.g. bookworm.")]
        public string Distribution { get; init; } = "";

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture (default: this machine's, dpkg --print-architecture).")]
        public string? Architecture { get; init; }

        [CommandOption("--mirror <MIRROR>")]
        [Description("Apt source for the tarball and every build in it (repeatable): a URL, a 'deb …' line or a sources file. " +
                     "Default: mmdebstrap's, http://deb.debian.org/debian (plus updates and security for a stable release).")]
        public string[] Mirrors { get; init; } = [];

        [CommandOption("--include <PACKAGE>")]
        [Description("A package to install into the tarball beside build-essential (repeatable), e.g. debhelper when most " +
                     "sources build-depend on it: each build then unpacks it instead of downloading and installing it again.")]
        public string[] Includes { get; init; } = [];

        [CommandOption("--out <DIR>")]
        [Description("Folder for DIST-ARCH.tar (default /var/cache/autobuilder/chroots, what slots use unless configured otherwise).")]
        public string Out { get; init; } = ChrootTarball.DefaultFolder;

        [CommandOption("--refresh")]
        [Description("Make the tarball again even if it exists (builds running meanwhile keep the old one).")]
        public bool Refresh { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON for scripts.")]
        public bool Json { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (!ChrootTarball.IsPlainName(Distribution))
                return Spectre.Console.ValidationResult.Error($"--dist needs a distribution codename such as bookworm, not '{Distribution}'");
            if (Architecture is not null && !ChrootTarball.IsPlainName(Architecture))
                return Spectre.Console.ValidationResult.Error($"--arch needs a Debian architecture name such as amd64, not '{Architecture}'");
            // A package name as Debian policy spells it: nothing that mmdebstrap could read as an option or a list separator.
            if (Includes.FirstOrDefault(p => !IsPackageName(p)) is { } bad)
                return Spectre.Console.ValidationResult.Error($"--include needs a Debian package name such as debhelper, not '{bad}'");
            return Spectre.Console.ValidationResult.Success();
        }

        private static bool IsPackageName(string name) =>
            name.Length is >= 2 and <= 100 && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-' or '.');
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var architecture = settings.Architecture ?? Capture("dpkg", "--print-architecture").Trim();
        var folder = Path.GetFullPath(settings.Out);
        var target = ChrootTarball.PathFor(folder, settings.Distribution, architecture);
        if (File.Exists(target) && !settings.Refresh)
        {
            var made = File.GetLastWriteTimeUtc(target);
            Report(settings, target, made: false, seconds: 0,
                $"{target}: kept (made {made:yyyy-MM-dd HH:mm}Z, {Megabytes(target)} MB); --refresh makes it again");
            return 0;
        }
        if (!OnPath("mmdebstrap"))
            throw new ConsoleException("mmdebstrap is not installed: apt-get install mmdebstrap sbuild uidmap (scripts/install-deps does)");
        WarnWithoutSubordinateIds();

        Directory.CreateDirectory(folder);
        // Next to the target, so the rename below stays on one file system and is atomic: a build
        // that opened the old tarball reads it to the end, the next one gets the new file.
        var temp = $"{target}.{Environment.ProcessId}.tmp";
        var clock = Stopwatch.StartNew();
        try
        {
            // At a terminal a spinner shows mmdebstrap's latest line (all of them again if it fails);
            // otherwise its lines go to stderr as they come.
            var exit = ConsoleProgress.Status(settings.Json, $"making {target} with mmdebstrap",
                status => RunMmdebstrap(settings.Distribution, architecture, temp, settings.Includes, settings.Mirrors, status, cancellationToken));
            if (exit != 0)
            {
                ConsoleErrors.Error($"mmdebstrap exited {exit} (its messages are above); {target} is unchanged. " +
                    $"Is the mirror ({(settings.Mirrors.Length == 0 ? "http://deb.debian.org/debian" : string.Join(", ", settings.Mirrors))}) reachable?");
                return 1;
            }
            // Slot users other than the one who made it read the tarball too.
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        Report(settings, target, made: true, clock.Elapsed.TotalSeconds,
            $"{target}: made in {clock.Elapsed.TotalSeconds:0} s ({Megabytes(target)} MB)");
        return 0;
    }

    private static int RunMmdebstrap(string distribution, string architecture, string target, string[] includes, string[] mirrors,
        IProgressText? status, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("mmdebstrap") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = status is not null };
        // Every value is its own argument; a mirror is a single argument even when it is a whole
        // "deb URL suite component" line.
        string[] include = includes.Length == 0 ? [] : [$"--include={string.Join(',', includes)}"];
        foreach (var arg in (string[])["--variant=buildd", $"--architectures={architecture}", .. include, "--format=tar", distribution, target, .. mirrors])
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new ConsoleException("cannot start mmdebstrap");
        // mmdebstrap reports progress on stderr, which is ours; its stdout (nothing, with a target
        // file) goes to stderr too, so that stdout carries only the result line or JSON.
        var lines = new List<string>();
        void Line(string? line)
        {
            if (line is null)
                return;
            if (status is null)
            {
                Console.Error.WriteLine(line);
                return;
            }
            lock (lines)
                lines.Add(line);
            status.Set($"mmdebstrap: {(line.Length > 100 ? line[..100] + "…" : line)}");
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        if (status is not null)
        {
            process.ErrorDataReceived += (_, e) => Line(e.Data);
            process.BeginErrorReadLine();
        }
        using var kill = ct.Register(() => process.Kill(entireProcessTree: true));
        process.WaitForExit();
        if (status is not null && process.ExitCode != 0)
        {
            // Behind the spinner only the last line showed: the failure's whole story goes to stderr.
            lock (lines)
                foreach (var line in lines)
                    Console.Error.WriteLine(line);
        }
        return process.ExitCode;
    }

    /// <summary>sbuild's unshare mode needs a subordinate id range for the user who builds; say so now rather than at the first build.</summary>
    private static void WarnWithoutSubordinateIds()
    {
        var user = Environment.UserName;
        foreach (var file in new[] { "/etc/subuid", "/etc/subgid" })
        {
            var lines = File.Exists(file) ? File.ReadAllLines(file) : [];
            if (!lines.Any(l => l.StartsWith(user + ":", StringComparison.Ordinal)))
                Console.Error.WriteLine($"autobuilder: warning: {user} has no range in {file}; slots that build as {user} need one " +
                    $"(e.g. '{user}:300000:65536'); users made by useradd get one");
        }
    }

    private static void Report(Settings settings, string path, bool made, double seconds, string text)
    {
        if (settings.Json)
            Output.WriteJson(new { path, made, seconds = Math.Round(seconds, 1), bytes = new FileInfo(path).Length });
        else
            Console.WriteLine(text);
    }

    private static string Megabytes(string path) =>
        (new FileInfo(path).Length / 1_000_000.0).ToString("0", CultureInfo.InvariantCulture);

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string Capture(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new ConsoleException($"cannot start {file}");
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new ConsoleException($"{file} exited {p.ExitCode}");
    }
}
