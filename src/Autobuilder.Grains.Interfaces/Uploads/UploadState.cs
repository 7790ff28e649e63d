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
}
