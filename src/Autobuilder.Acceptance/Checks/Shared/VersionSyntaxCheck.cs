using Autobuilder.Debian.Versions;

namespace Autobuilder.Acceptance.Checks;

/// <summary>The version is a Debian version (Policy §5.6.12): ordering it against others must mean something.</summary>
public sealed class VersionSyntaxCheck : AcceptanceCheck<IControlFileFacts>
{
    public override string Name => "version-syntax";

    public override string Question => "Is the version a Debian version (Policy 5.6.12)?";

    public override Task<CheckOutcome> CheckAsync(IControlFileFacts c) =>
        DebianVersion.TryParse(c.Version, out _, out var error) ? Pass()
            : Reject(c.ControlFileName, "Version", "a Debian version ([epoch:]upstream[-revision])", c.Version ?? "", $"{c.ControlFileName}: {error}");
}
