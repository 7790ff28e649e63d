namespace Autobuilder.Acceptance.Checks;

/// <summary>A .changes carries at most one source package.</summary>
public sealed class OneDscCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "one-dsc";

    public override string Question => "Does the .changes name at most one .dsc?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c) =>
        c.Sources.Count <= 1 ? Pass()
            : Reject(c.ChangesFileName, "Files", "at most one .dsc", string.Join(", ", c.Sources.Select(s => s.File.Name)), $"{c.ChangesFileName} names more than one .dsc");
}

/// <summary>The .dsc is readable, is the .changes' source and version, and lists a SHA-256 for each of its files.</summary>
public sealed class DscMatchesChangesCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "dsc-matches-changes";

    public override string Question => "Is the .dsc readable, for the .changes' source and version, with SHA-256 sums?";

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c)
    {
        var changes = c.Changes!;
        var rejections = new List<CheckRejection>();
        foreach (var s in c.Sources)
        {
            if (s.Dsc is not { } dsc)
            {
                rejections.Add(Rejection(s.File.Name, null, "a readable .dsc", "unreadable", $"{s.File.Name} cannot be read: {s.ReadError}"));
                continue;
            }
            if (dsc.Source != changes.Source || dsc.Version != changes.Version)
                rejections.Add(Rejection(s.File.Name, "Source/Version", $"{changes.Source} {changes.Version}", $"{dsc.Source} {dsc.Version}",
                    $"{s.File.Name}: is {dsc.Source} {dsc.Version}, but the .changes is for {changes.Source} {changes.Version}"));
            foreach (var named in dsc.Files.Where(f => f.Sha256 is null))
                rejections.Add(Rejection(s.File.Name, "Checksums-Sha256", "a SHA-256 sum", "none", $"{s.File.Name}: {named.Name} has no SHA-256 sum in the .dsc"));
        }
        return Result(rejections);
    }
}

/// <summary>The upload brings something to publish: a .deb or a .dsc.</summary>
public sealed class BringsSomethingCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "brings-something";

    public override string Question => "Does the .changes name a .deb or a .dsc?";

    public override CheckFlow Flow => CheckFlow.Final;

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c) =>
        c.Binaries.Count > 0 || c.Sources.Count > 0 ? Pass()
            : Reject(c.ChangesFileName, "Files", "a .deb or a .dsc", "neither", $"{c.ChangesFileName} names no .deb and no .dsc: nothing to publish");
}
