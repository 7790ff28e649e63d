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
    /// <summary>Built: its source and packages are being offered to the target distribution(s).</summary>
    Publishing,
    /// <summary>An outcome: every target distribution took the upload and its generation is live.</summary>
    Published,
    /// <summary>An outcome: a target distribution refused the built packages (the reasons are in the history and the mail).</summary>
    StageRejected,
}
