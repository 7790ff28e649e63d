using Autobuilder.Debian.Uploads;

namespace Autobuilder.Acceptance.Checks;

/// <summary>A .changes sent with the source is a readable control file.</summary>
public sealed class ChangesReadableCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "changes-readable";

    public override string Question => "Is the .changes sent with the source a readable control file?";

    public override CheckFlow Flow => CheckFlow.Gate;

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c) =>
        c.ChangesError is { } error ? Reject(c.DscFileName, null, "a readable .changes", "unreadable", error) : Pass();
}

/// <summary>A .changes sent with the source must be for that source: it names the .dsc among its files.</summary>
public sealed class ChangesNamesDscCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "changes-names-dsc";

    public override string Question => "Does the .changes sent with the source name its .dsc?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Changes is not { } changes || changes.Files.Any(f => f.Name == c.DscFileName))
            return Pass();
        var dscs = changes.Files.Where(f => f.Name.EndsWith(".dsc", StringComparison.Ordinal)).Select(f => f.Name).ToList();
        var found = dscs.Count == 0 ? "no .dsc" : string.Join(", ", dscs);
        return Reject(changes.FileName, "Files", c.DscFileName, found,
            $"{changes.FileName} does not name {c.DscFileName} in its Files (it names {found}): a .changes must be the one made with its .dsc (dpkg-genchanges -S)");
    }
}

/// <summary>The .changes says the same source and version as the .dsc, and is a source upload (Architecture lists "source").</summary>
public sealed class ChangesMatchesDscCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "changes-matches-dsc";

    public override string Question => "Is the .changes for the .dsc's source and version, and a source upload?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Changes is not { } changes)
            return Pass();
        if (changes.Source != c.Source)
            return Reject(changes.FileName, "Source", c.Source, changes.Source, $"{changes.FileName} is for source '{changes.Source}', but {c.DscFileName} is '{c.Source}'");
        if (changes.Version != c.Version)
            return Reject(changes.FileName, "Version", c.Version, changes.Version, $"{changes.FileName} is for version {changes.Version}, but {c.DscFileName} is {c.Version}");
        if (changes.Architectures.Count == 0)
            return Reject(changes.FileName, "Architecture", "source", "",
                $"{changes.FileName} has no Architecture field: a source upload's .changes says 'Architecture: source' (dpkg-genchanges -S writes it)");
        if (!changes.Architectures.Contains("source"))
            return Reject(changes.FileName, "Architecture", "source", string.Join(" ", changes.Architectures),
                $"{changes.FileName} is not a source upload (its Architecture is '{string.Join(" ", changes.Architectures)}', without 'source'): this autobuilder takes sources and builds them itself");
        return Pass();
    }
}

/// <summary>Every file the .changes lists is there with the size and sums it lists (compared with the sums of the bytes taken).</summary>
public sealed class ChangesChecksumsCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "changes-checksums";

    public override string Question => "Is every file the .changes lists there, with its listed size and sums?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Changes is not { } changes)
            return Pass();
        return Result([.. UploadFileVerifier.Verify(changes.Files, changes.Computed, changes.FileName)
            .Select(p => Rejection(p.FileName, p.Field, p.Expected, p.Actual, $"{changes.FileName}: {p.Message}"))]);
    }
}
