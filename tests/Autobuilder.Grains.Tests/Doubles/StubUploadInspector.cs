using System.Collections.Concurrent;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Test double for the upload inspector: returns the inspection the test scripted for a ticket
/// (no file is read; the folder is /fake/uploads/&lt;ticket&gt;) and records rejections instead of moving files.
/// </summary>
public sealed class StubUploadInspector : IUploadInspector
{
    private readonly ConcurrentDictionary<string, UploadInspection> _inspections = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Rejection> _rejections = new();
    private readonly ConcurrentQueue<string> _inspected = new();

    public static string FolderOf(string ticket) => $"/fake/uploads/{ticket}";

    public void Script(string ticket, UploadInspection inspection) => _inspections[ticket] = inspection;

    public IReadOnlyList<Rejection> Rejections => [.. _rejections];

    /// <summary>Folders inspected, once per call.</summary>
    public IReadOnlyList<string> Inspected => [.. _inspected];

    public Task<UploadInspection> InspectAsync(string product, string ticket, CancellationToken ct = default)
    {
        var folder = FolderOf(ticket);
        _inspected.Enqueue(folder);
        // A ticket the test forgot to script must not look like a good upload.
        return Task.FromResult(_inspections.TryGetValue(ticket, out var inspection)
            ? inspection with { Folder = folder, DscFileName = inspection.DscFileName ?? inspection.Files.FirstOrDefault() }
            : new UploadInspection(null, null, null, null, [], [$"{nameof(StubUploadInspector)}: nothing scripted for {ticket}"], folder));
    }

    public Task<string> RejectAsync(string product, string ticket, string uploadId, IReadOnlyList<string> reasons, CancellationToken ct = default)
    {
        _rejections.Enqueue(new Rejection(FolderOf(ticket), uploadId, [.. reasons]));
        return Task.FromResult($"/fake/rejected/{uploadId}");
    }
}
