namespace Autobuilder.Acceptance.Checks;

/// <summary>
/// The .dsc's file name is source_version.dsc (without the epoch), as dpkg-source names it and dak
/// requires: a name that says another version than the text would make the pages, the mail and
/// the operator's `ls` disagree about what was uploaded.
/// </summary>
public sealed class DscNameCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "dsc-name";

    public override string Question => "Is the .dsc named source_version.dsc after its Source and Version fields?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Source is not { } source || c.Version is not { } version)
            return Pass();
        var expected = $"{source}_{(version.Contains(':') ? version[(version.IndexOf(':') + 1)..] : version)}.dsc";
        return c.DscFileName == expected ? Pass()
            : Reject(c.DscFileName, "file name", expected, c.DscFileName,
                $"{c.DscFileName} says Source {source} and Version {version}, so it must be named {expected} (as dpkg-source names it)");
    }
}
