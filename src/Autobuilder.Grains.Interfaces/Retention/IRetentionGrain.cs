using Autobuilder.Grains.Security;

namespace Autobuilder.Grains;

/// <summary>
/// Retention on the garage (key 0): removes, past Autobuilder:Retention, the files of settled
/// uploads (uploads/, results/, logs/), rejected/ and stray/. Runs on a reminder and on
/// <c>autobuilder gc</c>.
/// </summary>
public interface IGarageRetentionGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the reminder (silo start).</summary>
    [SiloOnly]
    Task StartAsync();

    /// <summary>Collects now; with <paramref name="dryRun"/> only says what would go.</summary>
    [Operator]
    Task<RetentionReport> CollectAsync(bool dryRun);
}

/// <summary>Retention on the stage (key 0): repo-rejected/ and the accepted .changes copies.</summary>
public interface IStageRetentionGrain : IGrainWithIntegerKey
{
    [SiloOnly]
    Task StartAsync();

    [Operator]
    Task<RetentionReport> CollectAsync(bool dryRun);
}

/// <summary>What one collection removed (or would remove), per kind of folder.</summary>
[GenerateSerializer, Immutable]
public sealed record RetentionReport(
    [property: Id(0)] string Role,
    [property: Id(1)] bool DryRun,
    [property: Id(2)] IReadOnlyList<RetentionLine> Lines);

/// <param name="Kind">"rejected", "stray", "settled uploads" …</param>
/// <param name="Older">The age past which entries go.</param>
/// <param name="Removed">Entries removed (or that would be).</param>
/// <param name="Bytes">Their size.</param>
/// <param name="Kept">Entries younger than that.</param>
/// <param name="Errors">Entries that could not be removed, with the reason.</param>
[GenerateSerializer, Immutable]
public sealed record RetentionLine(
    [property: Id(0)] string Kind,
    [property: Id(1)] TimeSpan Older,
    [property: Id(2)] int Removed,
    [property: Id(3)] long Bytes,
    [property: Id(4)] int Kept,
    [property: Id(5)] IReadOnlyList<string> Errors);
