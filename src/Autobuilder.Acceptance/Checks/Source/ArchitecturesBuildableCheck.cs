using Autobuilder.Debian;
using Autobuilder.Debian.Architectures;

namespace Autobuilder.Acceptance.Checks;

/// <summary>The .dsc's Architecture field names something this autobuilder builds (Debian Policy §5.6.8, §11.1.1).</summary>
public sealed class ArchitecturesBuildableCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "architectures-buildable";

    public override string Question => "Does the Architecture field match an architecture this autobuilder builds?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Architectures is not { } configured)
            return Skip("needs the autobuilder's configuration (Autobuilder:Architectures)");
        var field = c.Dsc?.Architecture ?? "";
        try
        {
            if (BuildArchitectures.Needed(field, configured).Builds().Count > 0)
                return Pass();
        }
        catch (DebianFormatException ex)
        {
            return Reject(c.DscFileName, "Architecture", "architecture names or wildcards", field, ex.Message);
        }
        return Reject(c.DscFileName, "Architecture", string.Join(", ", configured), field,
            $"nothing to build: Architecture '{field}' matches none of the architectures this autobuilder builds ({string.Join(", ", configured)})");
    }
}
