namespace Autobuilder.Acceptance.Checks;

/// <summary>The .dsc is a readable control file (deb822, optionally clear-signed) with Source, Version, Files and an Architecture field.</summary>
public sealed class DscWellFormedCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "dsc-well-formed";

    public override string Question => "Is the .dsc a readable control file with an Architecture field?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Dsc is not { } dsc)
            return Reject(c.DscFileName, null, "a readable .dsc", "unreadable", c.DscError ?? $"{c.DscFileName} cannot be read");
        if (dsc.Architecture.Length == 0)
            return Reject(c.DscFileName, "Architecture", "a list of architectures", "", $"{c.DscFileName} has no Architecture field");
        return Pass();
    }
}
