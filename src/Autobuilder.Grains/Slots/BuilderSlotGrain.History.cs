namespace Autobuilder.Grains.Slots;

public sealed partial class BuilderSlotGrain
{
    /// <summary>Past builds a slot keeps (its status, the builders page and <c>builders show</c> show them).</summary>
    public const int HistoryKept = 20;

    private void RecordHistory(BuildAssignment assignment, BuildResult result)
    {
        S.History.Add(new SlotBuild(result.BuildId, assignment.Build.UploadId, assignment.Build.Architecture, result.Attempt, result.Outcome,
            result.Started, result.Finished, result.Summary.Length <= 300 ? result.Summary : result.Summary[..300]));
        if (S.History.Count > HistoryKept)
            S.History.RemoveRange(0, S.History.Count - HistoryKept);
    }
}
