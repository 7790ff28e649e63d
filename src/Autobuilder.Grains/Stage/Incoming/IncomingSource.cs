using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Uploads;

namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>The source package of a sourceful .changes: the parsed .dsc and its own entry in the .changes.</summary>
public sealed record IncomingSource(DscFile Dsc, FileEntry DscEntry);
