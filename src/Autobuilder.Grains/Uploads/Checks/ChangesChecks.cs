using Autobuilder.Debian.Uploads;

namespace Autobuilder.Grains.Uploads.Checks;

/// <summary>A .changes sent with the source must be for that source: it names the .dsc among its files.</summary>
public sealed class ChangesNamesDscCheck : UploadCheck
{
    public override string Name => "changes-names-dsc";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        if (c.Inspection.Changes is not { } changes || changes.Files.Any(f => f.Name == c.DscFileName))
            return Task.FromResult<UploadRejection?>(null);
        var dscs = changes.Files.Where(f => f.Name.EndsWith(".dsc", StringComparison.Ordinal)).Select(f => f.Name).ToList();
        var found = dscs.Count == 0 ? "no .dsc" : string.Join(", ", dscs);
        return Task.FromResult<UploadRejection?>(Reject(changes.FileName, "Files", c.DscFileName, found,
            $"{changes.FileName} does not name {c.DscFileName} in its Files (it names {found}): a .changes must be the one made with its .dsc (dpkg-genchanges -S)"));
    }
}

/// <summary>The .changes says the same source and version as the .dsc, and is a source upload (Architecture lists "source").</summary>
public sealed class ChangesMatchesDscCheck : UploadCheck
{
    public override string Name => "changes-matches-dsc";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        if (c.Inspection.Changes is not { } changes)
            return Task.FromResult<UploadRejection?>(null);
        UploadRejection? rejection = null;
        if (changes.Source != c.Source)
            rejection = Reject(changes.FileName, "Source", c.Source, changes.Source, $"{changes.FileName} is for source '{changes.Source}', but {c.DscFileName} is '{c.Source}'");
        else if (changes.Version != c.Version)
            rejection = Reject(changes.FileName, "Version", c.Version, changes.Version, $"{changes.FileName} is for version {changes.Version}, but {c.DscFileName} is {c.Version}");
        else if (!changes.Architectures.Contains("source"))
            rejection = Reject(changes.FileName, "Architecture", "source", string.Join(" ", changes.Architectures),
                $"{changes.FileName} is not a source upload (its Architecture is '{string.Join(" ", changes.Architectures)}', without 'source'): this autobuilder takes sources and builds them itself");
        return Task.FromResult(rejection);
    }
}

/// <summary>Every file the .changes lists is there with the size and sums it lists (compared with intake's sums of the bytes it copied).</summary>
public sealed class ChangesChecksumsCheck : UploadCheck
{
    public override string Name => "changes-checksums";

    public override Task<UploadRejection?> CheckAsync(UploadCheckContext c)
    {
        if (c.Inspection.Changes is not { } changes)
            return Task.FromResult<UploadRejection?>(null);
        var problem = UploadFileVerifier.Verify(changes.Files, changes.Computed, changes.FileName).FirstOrDefault();
        return Task.FromResult(problem is null ? null
            : Reject(problem.FileName, problem.Field, problem.Expected, problem.Actual, $"{changes.FileName}: {problem.Message}"));
    }
}
