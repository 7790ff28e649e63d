using Autobuilder.Debian.Control;

namespace Autobuilder.Debian.Deb;

/// <summary><see cref="IDebControlReader"/> answered by <see cref="DebFile"/>: the control member only, data.tar skipped.</summary>
public sealed class DebControlReader : IDebControlReader
{
    public ControlParagraph ReadControl(string debPath) => DebFile.ReadFile(debPath).Control;
}
