using System.Collections.Concurrent;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Test double for the upload inspector: returns the inspection the test scripted for a folder
/// (no file is read) and records rejections instead of moving files.
/// </summary>
public sealed class StubUploadInspector : IUploadInspector
{
    private readonly ConcurrentDictionary<string, UploadInspection> _inspections = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Rejection> _rejections = new();
    private readonly ConcurrentQueue<string> _inspected = new();

    public void Script(string folder, UploadInspection inspection) => _inspections[folder] = inspection;

    public IReadOnlyList<Rejection> Rejections => [.. _rejections];

    /// <summary>Folders inspected, once per call.</summary>
    public IReadOnlyList<string> Inspected => [.. _inspected];

    public Task<UploadInspection> InspectAsync(string folder, string dscFileName, CancellationToken ct = default)
    {
        _inspected.Enqueue(folder);
        // A folder the test forgot to script must not look like a good upload.
        return Task.FromResult(_inspections.TryGetValue(folder, out var inspection)
            ? inspection
            : new UploadInspection(null, null, null, null, [], [$"{nameof(StubUploadInspector)}: nothing scripted for {folder}"]));
    }

    public Task<string> RejectAsync(string folder, string uploadId, IReadOnlyList<string> reasons, CancellationToken ct = default)
    {
        _rejections.Enqueue(new Rejection(folder, uploadId, [.. reasons]));
        return Task.FromResult($"/fake/rejected/{uploadId}");
    }
}
