using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Deb;

/// <summary>
/// Reads the control paragraph (DEBIAN/control) of a binary package. The stage needs exactly this
/// of a .deb — its sizes and sums come from the .changes, already verified — so it asks through
/// this one method and does not care which reader answers.
/// </summary>
public interface IDebControlReader
{
    /// <exception cref="DebianFormatException">The file is not a .deb, or its control file is unreadable.</exception>
    ControlParagraph ReadControl(string debPath);
}
