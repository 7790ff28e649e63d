using Autobuilder.Acceptance;

namespace Autobuilder.Grains.Stage.Incoming;

/// <summary>The stage host's repo-incoming/&lt;repository&gt;/&lt;product&gt;/ folders: reading a .changes, and clearing it away.</summary>
public interface IStageIncoming
{
    /// <summary>Parses the .changes, checks the files it names and reads each .deb's control paragraph; null when the .changes is gone.</summary>
    Task<ChangesInspection?> InspectAsync(string repository, string product, string changesFile, CancellationToken ct = default);

    /// <summary>As <see cref="InspectAsync(string, string, string, CancellationToken)"/> for a .changes in an offer's folder.</summary>
    Task<ChangesInspection?> InspectOfferedAsync(string folder, string changesFile, CancellationToken ct = default);

    /// <summary>
    /// A bare source package (a .dsc and the files it names, no .changes) as one unit to accept: its
    /// files checked against the .dsc; <see cref="ChangesInspection.Sha256"/> is the .dsc's.
    /// </summary>
    Task<ChangesInspection?> InspectSourceAsync(string folder, string dscFile, CancellationToken ct = default);

    /// <summary>Removes an accepted upload's files from the queue (the .changes last) and keeps the .changes with the journal.</summary>
    Task FinishAsync(string repository, string product, ChangesInspection inspection, CancellationToken ct = default);

    /// <summary>Moves the upload's files to a new, unique rejected folder with REJECTED.txt (<see cref="RejectionReport"/>) beside them; returns the folder.</summary>
    Task<string> RejectAsync(string repository, string product, ChangesInspection inspection, IReadOnlyList<CheckRejection> rejections, CancellationToken ct = default);
}
