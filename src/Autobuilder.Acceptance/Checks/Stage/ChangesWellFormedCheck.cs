namespace Autobuilder.Acceptance.Checks;

/// <summary>The .changes is a readable control file (deb822, optionally clear-signed) with Source, Version and Files.</summary>
public sealed class ChangesWellFormedCheck : AcceptanceCheck<StageChangesContext>
{
    public override string Name => "changes-well-formed";

    public override string Question => "Is the .changes a readable control file?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(StageChangesContext c) =>
        c.Changes is not null ? Pass()
            : Reject(c.ChangesFileName, null, "a readable .changes", "unreadable", c.ReadError ?? $"{c.ChangesFileName} cannot be read");
}
