using Autobuilder.Debian;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Indices;

namespace Autobuilder.Acceptance.Checks;

/// <summary>No .udeb: debian-installer packages are not published by this archive.</summary>
public sealed class NoUdebCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "no-udeb";

    public override string Question => "Is the upload free of .udeb packages?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c) =>
        Result([.. c.ListedFiles.Where(f => f.Name.EndsWith(".udeb", StringComparison.Ordinal))
            .Select(f => Rejection(f.Name, "Files", ".deb or source files", ".udeb",
                $"{f.Name}: .udeb packages (debian-installer) are not published by this archive"))]);
}

/// <summary>Every .deb is a readable package whose control file has Package, Version and Architecture.</summary>
public sealed class BinariesReadableCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "binaries-readable";

    public override string Question => "Is every .deb readable, with Package, Version and Architecture in its control file?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        var rejections = new List<CheckRejection>();
        foreach (var b in c.Binaries)
        {
            if (b.ReadError is { } error)
                rejections.Add(Rejection(b.File.Name, null, "a .deb", "unreadable", $"{b.File.Name}: not a readable .deb: {error}"));
            else if (b.Package is null || b.Version is null || b.Architecture is null)
                rejections.Add(Rejection(b.File.Name, "control", "Package, Version and Architecture", "missing",
                    $"{b.File.Name}: its control file lacks Package, Version or Architecture"));
        }
        return Result(rejections);
    }
}

/// <summary>Every package name follows Debian Policy §5.6.7, and each .deb is named as dpkg names it (package_version_arch.deb, no epoch).</summary>
public sealed class BinaryNamesCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "binary-names";

    public override string Question => "Is every package name valid, and every .deb named after its control file?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        var rejections = new List<CheckRejection>();
        foreach (var b in c.Binaries)
        {
            if (!PackageNames.IsValid(b.Package))
                rejections.Add(Rejection(b.File.Name, "Package", "lower-case letters, digits, '+', '-', '.'", b.Package,
                    $"{b.File.Name}: package name '{b.Package}' is not valid (Debian Policy 5.6.7)"));
            var version = b.Version!;
            var plainVersion = version.Contains(':') ? version[(version.IndexOf(':') + 1)..] : version;
            var expected = $"{b.Package}_{plainVersion}_{b.Architecture}.deb";
            if (b.File.Name != expected)
                rejections.Add(Rejection(b.File.Name, "file name", expected, b.File.Name,
                    $"{b.File.Name}: its control file says {b.Package} {version} for {b.Architecture}, so it must be named {expected}"));
        }
        return Result(rejections);
    }
}

/// <summary>Every package is in the .changes' Binary field, for an architecture in its Architecture field.</summary>
public sealed class BinariesInChangesCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "binaries-in-changes";

    public override string Question => "Is every package one the .changes' Binary and Architecture fields announce?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        var changes = c.Changes!;
        var rejections = new List<CheckRejection>();
        foreach (var b in c.Binaries)
        {
            if (changes.Binaries.Count > 0 && !changes.Binaries.Contains(b.Package!, StringComparer.Ordinal))
                rejections.Add(Rejection(b.File.Name, "Binary", string.Join(" ", changes.Binaries), b.Package,
                    $"{b.File.Name}: package {b.Package} is not in the .changes' Binary field ({string.Join(" ", changes.Binaries)})"));
            if (changes.Architectures.Count > 0 && !changes.Architectures.Contains(b.Architecture!, StringComparer.Ordinal))
                rejections.Add(Rejection(b.File.Name, "Architecture", string.Join(" ", changes.Architectures), b.Architecture,
                    $"{b.File.Name}: architecture {b.Architecture} is not in the .changes' Architecture field ({string.Join(" ", changes.Architectures)})"));
        }
        return Result(rejections);
    }
}

/// <summary>
/// Every package was built from the .changes' source and source version: the pool folder is the
/// source's, so a .deb of another source must not slip into it.
/// </summary>
public sealed class BinariesFromSourceCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "binaries-from-source";

    public override string Question => "Was every package built from the .changes' source and version?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        var changes = c.Changes!;
        // "Source: name (version)" in a .changes names the source version of a binary-only rebuild.
        var sourceField = changes.Paragraph["Source"] ?? "";
        var open = sourceField.IndexOf('(');
        var sourceVersion = open > 0 ? sourceField[(open + 1)..].TrimEnd(')', ' ') : changes.Version;
        var rejections = new List<CheckRejection>();
        foreach (var b in c.Binaries)
        {
            PackagesEntry entry;
            try
            {
                var f = b.File;
                entry = PackagesEntry.FromControl(b.Control!, f.Name, new ChecksumSet(f.Size, f.Md5 ?? "", f.Sha1 ?? new string('0', 40), f.Sha256 ?? ""));
            }
            catch (DebianFormatException ex)
            {
                rejections.Add(Rejection(b.File.Name, "control", "a valid control file", "invalid", $"{b.File.Name}: {ex.Message}"));
                continue;
            }
            if (entry.Source != changes.Source)
                rejections.Add(Rejection(b.File.Name, "Source", changes.Source, entry.Source,
                    $"{b.File.Name}: built from source {entry.Source}, but the .changes is for {changes.Source}"));
            else if (entry.SourceVersion != sourceVersion)
                rejections.Add(Rejection(b.File.Name, "Source (version)", sourceVersion, entry.SourceVersion,
                    $"{b.File.Name}: built from {entry.Source} {entry.SourceVersion}, but the .changes is for version {sourceVersion}"));
        }
        return Result(rejections);
    }
}

/// <summary>No package comes twice for the same architecture in one upload.</summary>
public sealed class BinaryOnceCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "binary-once";

    public override string Question => "Does each package come once per architecture?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        var seen = new HashSet<(string, string)>();
        return Result([.. c.Binaries.Where(b => !seen.Add((b.Package!, b.Architecture!)))
            .Select(b => Rejection(b.File.Name, "Package", "once per architecture", "twice",
                $"{b.File.Name}: {b.Package} for {b.Architecture} comes twice in this upload"))]);
    }
}
