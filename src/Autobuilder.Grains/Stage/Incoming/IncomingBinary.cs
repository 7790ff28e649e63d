using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Control;

namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>One .deb of a .changes: its entry (size, sums, section) and its control paragraph.</summary>
public sealed record IncomingBinary(FileEntry File, ControlParagraph Control)
{
    public string Package => Control["Package"] ?? "";
    public string Version => Control["Version"] ?? "";
    public string Architecture => Control["Architecture"] ?? "";
}
