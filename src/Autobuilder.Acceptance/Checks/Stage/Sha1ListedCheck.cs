namespace Autobuilder.Acceptance.Checks;

/// <summary>Every file is listed in Checksums-Sha1 too: the archive's indices carry SHA-1, so it must come from the build.</summary>
public sealed class Sha1ListedCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "sha1-listed";

    public override string Question => "Is every file listed in Checksums-Sha1?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c) =>
        Result([.. c.ListedFiles.Where(f => f.Sha1 is null)
            .Select(f => Rejection(f.Name, "Checksums-Sha1", "a SHA-1 sum", "none",
                $"{f.Name}: not listed in Checksums-Sha1 (rebuild the .changes with a current dpkg-genchanges)"))]);
}
