using Autobuilder.Grains;

namespace Autobuilder.Silo.Stage.Journal;

/// <summary>
/// One line of a distribution's journal (JSON, one object per line): "add" a record, "del" a
/// key, or "commit" the lines since the previous commit as generation <see cref="G"/>.
/// </summary>
internal sealed class JournalLine
{
    public const string AddOp = "add";
    public const string DeleteOp = "del";
    public const string CommitOp = "commit";

    public string Op { get; set; } = "";
    public PackageRecord? R { get; set; }
    public string? K { get; set; }
    public long G { get; set; }
    public DateTimeOffset? At { get; set; }
    public string? Changes { get; set; }
    public string? Note { get; set; }

    /// <summary>On a compacted journal's single commit: every .changes accepted before compaction.</summary>
    public List<string>? Accepted { get; set; }
}
