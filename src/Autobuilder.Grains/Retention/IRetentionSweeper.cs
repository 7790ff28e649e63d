namespace Autobuilder.Grains.Services;

/// <summary>
/// The files side of retention (grains do no file I/O). Each call names a kind of folder the silo
/// knows the layout of, never a path, so no caller can point it elsewhere.
/// </summary>
public interface IRetentionSweeper
{
    /// <summary>
    /// Removes the entries of <paramref name="kind"/> whose newest file is older than
    /// <paramref name="older"/> at <paramref name="now"/> (nothing when <paramref name="dryRun"/>).
    /// </summary>
    Task<RetentionLine> SweepAsync(RetentionKind kind, TimeSpan older, DateTimeOffset now, bool dryRun, CancellationToken ct = default);

    /// <summary>Removes the files of settled uploads: their uploads/ folder, results/ and logs/.</summary>
    Task<RetentionLine> RemoveUploadsAsync(IReadOnlyList<SettledUpload> uploads, TimeSpan older, int kept, bool dryRun, CancellationToken ct = default);
}

/// <summary>The kinds of folder entries kept only for a while.</summary>
public enum RetentionKind
{
    Rejected,
    Stray,
    RepoRejected,
    Accepted,
}

/// <summary>A settled upload to remove: its id and intake folder (uploads/&lt;product&gt;/&lt;ticket&gt;, as the grain recorded it).</summary>
public sealed record SettledUpload(string UploadId, string Product, string? Folder);
