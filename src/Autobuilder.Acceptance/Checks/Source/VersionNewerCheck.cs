namespace Autobuilder.Acceptance.Checks;

/// <summary>
/// The version is newer (dpkg ordering) than every version of the source the garage accepted
/// before. Last in the list, because the registry takes the version when it says yes: a rejected
/// upload must not use a version up.
/// </summary>
public sealed class VersionNewerCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "version-newer";

    public override string Question => "Is the version newer than every version of this source accepted before?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override async Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Versions is not { } versions)
            return CheckOutcome.Skip("needs the upload registry of a running garage (the versions it accepted)");
        var refusal = await versions.AcceptAsync(c.Source!, c.Version!);
        return refusal is null ? CheckOutcome.Passed
            : CheckOutcome.Refused([Rejection(c.DscFileName, "Version", "newer than the version accepted before", c.Version, refusal)]);
    }
}
