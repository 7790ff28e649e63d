namespace Autobuilder.Grains;

/// <summary>Where an upload is in its life (ARCHITECTURE.md §3).</summary>
public enum UploadState
{
    Received,
    Verified,
    Rejected,
    Queued,
    Building,
    Built,
    Failed,
    DepWait,
    Done,
    /// <summary>An outcome: its builds were stopped by an operator's cancel or a newer upload (see the history for who and why).</summary>
    Cancelled,
}
