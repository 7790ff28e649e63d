namespace Autobuilder.Grains.Options;

/// <summary>
/// "Autobuilder:Retention": how long each kind of leftover is kept, in days (fractions allowed;
/// 0 keeps for ever). Every folder the autobuilder fills without end has a default here.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>uploads/, results/ and logs/ of an upload that is settled (nothing more is owed), counted from its last change.</summary>
    public double SettledUploadDays { get; set; } = 30;

    /// <summary>rejected/&lt;upload id&gt;/: a rejected upload's files and REJECTED.txt, for the operator.</summary>
    public double RejectedDays { get; set; } = 30;

    /// <summary>stray/: entries of incoming no upload claimed.</summary>
    public double StrayDays { get; set; } = 30;

    /// <summary>repo-rejected/ on the stage: .changes sets the stage refused.</summary>
    public double RepoRejectedDays { get; set; } = 30;

    /// <summary>The stage's copies of accepted .changes (repos/db/&lt;repo&gt;/&lt;product&gt;/accepted/).</summary>
    public double AcceptedDays { get; set; } = 90;

    /// <summary>How often the reminder collects (and <c>autobuilder gc</c> on demand).</summary>
    public double CheckHours { get; set; } = 6;
}
