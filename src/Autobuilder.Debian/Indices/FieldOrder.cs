using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// The order in which index stanzas list their fields. Clients do not depend on it, but people
/// and diff tools do, and matching apt-ftparchive lets our output be compared with its output
/// line by line. The tables follow apt's apt-pkg/tagfile-order.c (TFRewritePackageOrder,
/// TFRewriteSourceOrder), itself modelled on dpkg and dak; Release follows dak's
/// generate_releases.
/// </summary>
public static class FieldOrder
{
    public static IReadOnlyList<string> Packages { get; } =
    [
        "Package", "Package-Type", "Architecture", "Subarchitecture", "Version", "Kernel-Version",
        "Built-Using", "Static-Built-Using", "Built-For-Profiles", "Auto-Built-Package", "Multi-Arch", "Status",
        "Priority", "Build-Essential", "Protected", "Important", "Essential", "Installer-Menu-Item", "Section",
        "Source", "Origin", "Phased-Update-Percentage", "Maintainer", "Original-Maintainer", "Bugs",
        "Config-Version", "Conffiles", "Triggers-Awaited", "Triggers-Pending", "Installed-Size", "Provides",
        "Pre-Depends", "Depends", "Recommends", "Suggests", "Conflicts", "Breaks", "Replaces", "Enhances",
        "Filename", "MSDOS-Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512", "Homepage", "Description",
        "Description-md5", "Tag", "Task",
    ];

    /// <summary>Sources stanzas: a .dsc's fields with Source renamed to Package, then Directory and the file lists.</summary>
    public static IReadOnlyList<string> Sources { get; } =
    [
        "Package", "Source", "Format", "Binary", "Architecture", "Version", "Priority", "Section", "Origin",
        "Maintainer", "Original-Maintainer", "Uploaders", "Dm-Upload-Allowed", "Standards-Version",
        "Build-Depends", "Build-Depends-Arch", "Build-Depends-Indep", "Build-Conflicts", "Build-Conflicts-Arch",
        "Build-Conflicts-Indep", "Testsuite", "Testsuite-Triggers", "Homepage", "Description", "Vcs-Browser",
        "Vcs-Browse", "Vcs-Arch", "Vcs-Bzr", "Vcs-Cvs", "Vcs-Darcs", "Vcs-Git", "Vcs-Hg", "Vcs-Mtn", "Vcs-Svn",
        "Directory", "Package-List", "Files", "Checksums-Md5", "Checksums-Sha1", "Checksums-Sha256",
        "Checksums-Sha512",
    ];

    /// <summary>Release: dak's order (as in Debian's own Release files), then the checksum lists.</summary>
    public static IReadOnlyList<string> Release { get; } =
    [
        "Origin", "Label", "Suite", "Version", "Codename", "Changelogs", "Date", "Valid-Until", "NotAutomatic",
        "ButAutomaticUpgrades", "Acquire-By-Hash", "Signed-By", "No-Support-for-Architecture-all", "Architectures",
        "Components", "Description", "MD5Sum", "SHA1", "SHA256", "SHA512",
    ];

    /// <summary>
    /// The paragraph with the fields the table names first, in the table's order and spelling, then
    /// the others in the order they had — as apt's pkgTagSection::Write does.
    /// </summary>
    public static ControlParagraph Apply(ControlParagraph paragraph, IReadOnlyList<string> order)
    {
        var known = new HashSet<string>(order, StringComparer.OrdinalIgnoreCase);
        var fields = new List<ControlField>(paragraph.Count);
        foreach (var name in order)
        {
            if (paragraph.TryGetValue(name, out var value))
                fields.Add(new ControlField(name, value));
        }
        fields.AddRange(paragraph.Where(f => !known.Contains(f.Name)));
        return new ControlParagraph(fields);
    }
}
