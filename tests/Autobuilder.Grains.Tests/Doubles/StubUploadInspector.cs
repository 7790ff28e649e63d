using System.Collections.Concurrent;
using System.Text;
using Autobuilder.Acceptance;
using Autobuilder.Debian.Checksums;
using Autobuilder.Debian.Uploads;
using Autobuilder.Grains.Services;

namespace Autobuilder.Grains.Tests.Doubles;

/// <summary>
/// Test double for the upload inspector: returns the inspection the test scripted for a ticket
/// (no file is read; the folder is /fake/uploads/&lt;ticket&gt;) and records rejections instead of moving files.
/// A scripted inspection without a .dsc gets one made from its source, version, Architecture and
/// files, with intact sums, so the garage's check list sees what a real inspector would hand it.
/// </summary>
public sealed class StubUploadInspector : IUploadInspector
{
    private readonly ConcurrentDictionary<string, UploadInspection> _inspections = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Rejection> _rejections = new();
    private readonly ConcurrentQueue<string> _inspected = new();

    public static string FolderOf(string ticket) => $"/fake/uploads/{ticket}";

    public void Script(string ticket, UploadInspection inspection) => _inspections[ticket] = WithDsc(inspection);

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

    public Task<string> RejectAsync(string product, string ticket, string uploadId, IReadOnlyList<UploadRejection> rejections, CancellationToken ct = default)
    {
        _rejections.Enqueue(new Rejection(FolderOf(ticket), uploadId, [.. rejections.Select(r => r.Reason)], rejections));
        return Task.FromResult($"/fake/rejected/{uploadId}");
    }

    private static UploadInspection WithDsc(UploadInspection inspection)
    {
        if (inspection.Dsc is not null || inspection.Source is null || inspection.Version is null)
            return inspection;
        var dscName = inspection.DscFileName ?? $"{inspection.Source}_{inspection.Version}.dsc";
        var names = inspection.Files.Where(f => f != dscName).DefaultIfEmpty($"{inspection.Source}_{inspection.Version}.tar.xz").ToList();
        var sums = names.ToDictionary(n => n, n => ChecksumSet.Compute(Encoding.UTF8.GetBytes(n)), StringComparer.Ordinal);
        var text = new StringBuilder($"Format: 3.0 (native)\nSource: {inspection.Source}\nVersion: {inspection.Version}{(string.IsNullOrEmpty(inspection.ArchitectureField) ? "" : $"\nArchitecture: {inspection.ArchitectureField}")}\nFiles:\n");
        foreach (var n in names)
            text.Append($" {sums[n].Md5} {sums[n].Size} {n}\n");
        text.Append("Checksums-Sha256:\n");
        foreach (var n in names)
            text.Append($" {sums[n].Sha256} {sums[n].Size} {n}\n");
        return inspection with { Dsc = DscFile.Parse(Encoding.UTF8.GetBytes(text.ToString()), dscName), Taken = new TakenFiles(sums) };
    }
}
