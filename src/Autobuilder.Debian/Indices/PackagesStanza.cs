using System.Text;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// Builds the Packages-file stanza of a .deb exactly as <c>apt-ftparchive packages</c> does
/// without override files (apt ftparchive/writer.cc, <c>PackagesWriter::DoPackage</c>):
/// <list type="bullet">
/// <item>the control fields, with Filename, Size, MD5sum, SHA1, SHA256 (and SHA512, which
/// apt-ftparchive writes by default) set from the file, replacing any the control file had;</item>
/// <item><c>Status</c> dropped (a dpkg database field); Section and Priority kept, but dropped when
/// empty, since apt rewrites them from the override (here: the control file's own value);</item>
/// <item>every other field only the archive sets (<see cref="ArchiveFields"/>: Description-md5,
/// Phased-Update-Percentage …) dropped too, where apt-ftparchive would pass a control file's copy
/// on: a .deb is the packager's word, and what apt checks or acts on must be ours;</item>
/// <item>fields apt knows in its canonical order (<see cref="PackagesFieldOrder"/>) and spelling,
/// then the others (X-…, Optional, …) in control-file order and spelling.</item>
/// </list>
/// Values are written as <see cref="ControlFile"/> parsed them. apt copies a control file's raw
/// text after the colon instead, so the two differ only for a control file with extra blanks
/// after a colon or at the end of a line, which dpkg-gencontrol never writes.
/// </summary>
public static class PackagesStanza
{
    public const string Filename = "Filename";
    public const string Size = "Size";
    public const string Md5Sum = "MD5sum";
    public const string Sha1 = "SHA1";
    public const string Sha256 = "SHA256";
    public const string Sha512 = "SHA512";
    private const string Package = "Package";
    private const string Status = "Status";
    private const string Section = "Section";
    private const string Priority = "Priority";

    /// <summary>
    /// Fields of a Packages stanza that the archive sets, never the package: where the file lies, its
    /// size and sums (apt trusts these to verify the download), the dpkg database's Status, the
    /// description digest of Translation files, dak's MSDOS-Filename and the phasing of updates.
    /// Any copy in a .deb's control file is dropped; our own values are set where we have them.
    /// </summary>
    public static IReadOnlySet<string> ArchiveFields { get; } = new HashSet<string>(
        [Filename, Size, Md5Sum, Sha1, Sha256, Sha512, Status, "Description-md5", "MSDOS-Filename", "Phased-Update-Percentage"],
        StringComparer.OrdinalIgnoreCase);

    /// <param name="control">The .deb's control paragraph.</param>
    /// <param name="filename">The Filename value: the .deb's path as the archive serves it.</param>
    /// <param name="checksums">Size and sums of the whole .deb file.</param>
    /// <param name="sha512">The SHA-512 of the .deb, or null to write no SHA512 field (a control file's own is dropped either way).</param>
    /// <param name="source">The .deb's name for error messages.</param>
    public static ControlParagraph FromDeb(ControlParagraph control, string filename, ChecksumSet checksums, string? sha512, string source) =>
        new(Fields(control, filename, checksums, sha512, source));

    /// <summary>
    /// The stanza as UTF-8, written as <see cref="ControlParagraph.ToString"/> would, and where the
    /// Filename value starts in it (the scanner splices the folder prefix in there).
    /// </summary>
    internal static byte[] ToUtf8(List<ControlField> fields, out int filenameOffset)
    {
        var length = 0;
        foreach (var f in fields)
            length += Encoding.UTF8.GetByteCount(f.Name) + 3 + Encoding.UTF8.GetByteCount(f.Value);
        var bytes = new byte[length];
        var at = 0;
        filenameOffset = -1;
        foreach (var f in fields)
        {
            at += Encoding.UTF8.GetBytes(f.Name, bytes.AsSpan(at));
            bytes[at++] = (byte)':';
            // As ControlParagraph writes it: no space before an empty value or a multiline value
            // whose first line is empty.
            if (f.Value.Length > 0 && f.Value[0] != '\n')
                bytes[at++] = (byte)' ';
            if (f.Name == Filename)
                filenameOffset = at;
            at += Encoding.UTF8.GetBytes(f.Value, bytes.AsSpan(at));
            bytes[at++] = (byte)'\n';
        }
        return at == bytes.Length ? bytes : bytes[..at];
    }

    internal static List<ControlField> Fields(ControlParagraph control, string filename, ChecksumSet checksums, string? sha512, string source)
    {
        control.Require(Package, $"{source} (control)");

        var known = new ControlField?[PackagesFieldOrder.Names.Count];
        var unknown = new List<ControlField>();
        foreach (var field in control)
        {
            if (ArchiveFields.Contains(field.Name))
                continue;
            var slot = PackagesFieldOrder.IndexOf(field.Name);
            if (slot < 0)
                unknown.Add(field);
            else
                known[slot] = new ControlField(PackagesFieldOrder.Names[slot], field.Value);
        }

        // apt rewrites both from the override entry, which without an override file is the
        // control file's own trimmed value; a rewrite to "" removes the field.
        Set(known, Section, control[Section] is { Length: > 0 } section ? section : null);
        Set(known, Priority, control[Priority] is { Length: > 0 } priority ? priority : null);
        Set(known, Filename, filename);
        Set(known, Size, checksums.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set(known, Md5Sum, checksums.Md5);
        Set(known, Sha1, checksums.Sha1);
        Set(known, Sha256, checksums.Sha256);
        Set(known, Sha512, sha512);

        var fields = new List<ControlField>(control.Count + 6);
        foreach (var field in known)
        {
            if (field is { } f)
                fields.Add(f);
        }
        fields.AddRange(unknown);
        return fields;
    }

    private static void Set(ControlField?[] known, string name, string? value)
    {
        var slot = PackagesFieldOrder.IndexOf(name);
        known[slot] = value is null ? null : new ControlField(PackagesFieldOrder.Names[slot], value);
    }
}
