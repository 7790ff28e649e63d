using System.Text.RegularExpressions;
using Autobuilder.Debian;
using Autobuilder.Debian.Control;
using Autobuilder.Debian.Deb;
using Autobuilder.Debian.Indices;
using Autobuilder.Debian.Safety;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains.Services;

namespace Autobuilder.Silo.Files;

/// <summary>
/// Whether what a build left in its results folder belongs to the upload it built. A build is
/// package code: its debian/rules can leave any file, e.g. a .deb of another source with a .changes
/// to match, and the stage would publish and sign it. So before anything is queued every entry must
/// be a regular file with a plain name, of a kind a build makes (.deb, .udeb, .ddeb, .changes,
/// .buildinfo); every package must be one the upload's .dsc names (Binary, Package-List; or the
/// -dbgsym package debhelper makes for one of them), built from the upload's source and version,
/// for the built architecture or all, and named as dpkg names it; every .changes and .buildinfo
/// must be the upload's and name only files that are there. One reason per offending file.
/// </summary>
public static partial class ResultOwnership
{
    /// <summary>The runner's own log, copied beside the results; not a result.</summary>
    public const string BuildLog = Autobuilder.BuildRunner.BuildRunnerFiles.Log;

    private static readonly string[] PackageExtensions = [".deb", ".udeb", ".ddeb"];
    private static readonly string[] Kinds = [.. PackageExtensions, ".changes", ".buildinfo"];

    // A .dsc, .changes or .buildinfo is a few KiB; this only stops an absurd one from filling memory.
    private const long MaxControlFileBytes = 4 << 20;

    // A binary-only rebuild appends "+bN" to the version (Debian's binNMU convention).
    [GeneratedRegex(@"^\+b[0-9]+$")]
    private static partial Regex BinNmuSuffix();

    /// <param name="resultsFolder">The build's results folder on this host.</param>
    /// <param name="origin">The upload the results must belong to.</param>
    /// <param name="allowBinNmu">Whether binary versions may carry a binNMU suffix (+bN) for this product.</param>
    /// <returns>Why the results may not be handed off, one line per file; empty when they may.</returns>
    public static IReadOnlyList<string> Check(string resultsFolder, BuildOrigin origin, bool allowBinNmu)
    {
        var problems = new List<string>();
        if (!Directory.Exists(resultsFolder))
            return [$"the results folder {resultsFolder} is missing"];

        IReadOnlySet<string> binaries;
        try
        {
            binaries = NamedBinaries(origin);
        }
        catch (Exception ex) when (ex is DebianFormatException or IOException or UnauthorizedAccessException)
        {
            return [$"the upload's {origin.DscFileName} cannot be read to check the results against it: {ex.Message}"];
        }

        var rules = new Rules(origin, binaries, allowBinNmu);
        var names = Directory.EnumerateFileSystemEntries(resultsFolder).Select(Path.GetFileName).OfType<string>()
            .Where(n => n != BuildLog).Order(StringComparer.Ordinal).ToList();
        var present = names.ToHashSet(StringComparer.Ordinal);
        if (!names.Any(n => PackageExtensions.Contains(Path.GetExtension(n))))
            problems.Add("the build left no package (.deb) in its results");
        foreach (var name in names)
        {
            if (FileNames.Problem(name) is { } unsafeName)
            {
                problems.Add($"a result is not a plain file name: {unsafeName}");
                continue;
            }
            var path = Path.Combine(resultsFolder, name);
            if (RegularFile.Problem(path) is { } kind)
            {
                problems.Add($"{name}: {kind}");
                continue;
            }
            var extension = Path.GetExtension(name);
            if (!Kinds.Contains(extension))
            {
                problems.Add($"{name}: not a package, .changes or .buildinfo; a build hands off nothing else");
                continue;
            }
            try
            {
                if (PackageExtensions.Contains(extension))
                    rules.CheckPackage(name, path, problems);
                else if (extension == ".changes")
                    rules.CheckChanges(name, path, present, problems);
                else
                    rules.CheckBuildInfo(name, path, problems);
            }
            catch (Exception ex) when (ex is DebianFormatException or IOException or InvalidDataException)
            {
                problems.Add($"{name}: cannot be read: {ex.Message.Replace(path, name, StringComparison.Ordinal)}");
            }
        }
        return problems;
    }

    /// <summary>The binary package names the .dsc declares: its Binary field and the first word of each Package-List line.</summary>
    private static HashSet<string> NamedBinaries(BuildOrigin origin)
    {
        var path = FileNames.Combine(origin.UploadFolder, origin.DscFileName, "the upload");
        var dsc = DscFile.Parse(RegularFile.ReadAllBytes(path, MaxControlFileBytes), origin.DscFileName);
        var names = new HashSet<string>(dsc.Binaries, StringComparer.Ordinal);
        // dsc(5): "Package-List: <empty>\n package type section priority [key=value …]" — one line per binary.
        foreach (var line in (dsc.Paragraph["Package-List"] ?? "").Split('\n'))
        {
            var first = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is not null)
                names.Add(first);
        }
        return names;
    }

    private sealed class Rules(BuildOrigin origin, IReadOnlySet<string> binaries, bool allowBinNmu)
    {
        private string Upload => $"{origin.Source} {origin.Version}";

        /// <summary>The upload's version, or (where allowed) that version with a binNMU suffix.</summary>
        private bool IsOurVersion(string version) =>
            version == origin.Version
            || (allowBinNmu && version.StartsWith(origin.Version, StringComparison.Ordinal) && BinNmuSuffix().IsMatch(version[origin.Version.Length..]));

        public void CheckPackage(string name, string path, List<string> problems)
        {
            ControlParagraph control;
            using (var stream = RegularFile.OpenRead(path))
                control = DebFile.Read(stream, name).Control;
            var package = control["Package"];
            var version = control["Version"];
            var architecture = control["Architecture"];
            if (package is null || version is null || architecture is null)
            {
                problems.Add($"{name}: its control file lacks Package, Version or Architecture");
                return;
            }
            var entry = new PackagesEntry(control.With("Filename", name).With("Size", "0"), name);
            if (entry.Source != origin.Source)
                problems.Add($"{name}: built from source {entry.Source}, not from this upload's {origin.Source}");
            else if (entry.SourceVersion != origin.Version)
                problems.Add($"{name}: built from {entry.Source} {entry.SourceVersion}, not from this upload's {Upload}");
            if (!IsOurVersion(version))
                problems.Add($"{name}: has version {version}, not this upload's {origin.Version}" + (allowBinNmu ? " (or a binNMU +bN of it)" : ""));
            if (!IsNamed(package, control))
                problems.Add($"{name}: package {package} is not named in {origin.DscFileName} (Binary: {string.Join(", ", binaries.Order(StringComparer.Ordinal))})");
            if (architecture != origin.Architecture && architecture != "all")
                problems.Add($"{name}: is for architecture {architecture}, but this build was for {origin.Architecture}");
            var expected = $"{package}_{WithoutEpoch(version)}_{architecture}{Path.GetExtension(name)}";
            if (name != expected)
                problems.Add($"{name}: its control file says {package} {version} for {architecture}, so it must be named {expected}");
        }

        // debhelper's dh_strip makes NAME-dbgsym for NAME without listing it in debian/control.
        private bool IsNamed(string package, ControlParagraph control) =>
            binaries.Contains(package)
            || (package.EndsWith("-dbgsym", StringComparison.Ordinal) && binaries.Contains(package[..^"-dbgsym".Length])
                && control["Auto-Built-Package"] == "debug-symbols");

        public void CheckChanges(string name, string path, IReadOnlySet<string> present, List<string> problems)
        {
            var changes = ChangesFile.Parse(RegularFile.ReadAllBytes(path, MaxControlFileBytes), name);
            CheckSourceAndVersion(name, changes.Source, changes.Version, problems);
            foreach (var file in changes.Files)
            {
                if (FileNames.Problem(file.Name) is { } why)
                    problems.Add($"{name}: names a file that is not a plain file name: {why}");
                else if (!present.Contains(file.Name))
                    problems.Add($"{name}: names {file.Name}, which the build did not leave");
            }
        }

        public void CheckBuildInfo(string name, string path, List<string> problems)
        {
            var paragraph = SignedControlFile.Parse(RegularFile.ReadAllBytes(path, MaxControlFileBytes), name).Paragraph;
            var source = paragraph.Require("Source", name);
            var space = source.IndexOf(' ');
            CheckSourceAndVersion(name, space > 0 ? source[..space] : source, paragraph.Require("Version", name), problems);
        }

        private void CheckSourceAndVersion(string name, string source, string version, List<string> problems)
        {
            if (source != origin.Source)
                problems.Add($"{name}: is for source {source}, not this upload's {origin.Source}");
            else if (!IsOurVersion(version))
                problems.Add($"{name}: is for {source} {version}, not this upload's {Upload}");
        }

        private static string WithoutEpoch(string version) =>
            version.IndexOf(':') is var colon and >= 0 ? version[(colon + 1)..] : version;
    }
}
