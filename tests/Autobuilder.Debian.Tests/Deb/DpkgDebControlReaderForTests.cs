using Autobuilder.Debian.Control;
using Autobuilder.Debian.Deb;
using Autobuilder.Testing;

namespace Autobuilder.Debian.Tests.Deb;

/// <summary>
/// Test-only: <see cref="IDebControlReader"/> answered by the real <c>dpkg-deb --field</c>, the
/// reference our own readers are compared with. The product never runs dpkg-deb.
/// </summary>
public sealed class DpkgDebControlReaderForTests : IDebControlReader
{
    public ControlParagraph ReadControl(string debPath) =>
        ControlFile.ParseSingle(Tool.Run("dpkg-deb", "--field", debPath).Ok().Stdout, debPath);
}
