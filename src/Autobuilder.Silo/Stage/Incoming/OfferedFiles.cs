using System.Security.Cryptography;
using System.Text;
using Autobuilder.Debian.Safety;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Stage;
using Autobuilder.Grains.Stage.Incoming;
using Autobuilder.Silo.FileTransfer;
using Autobuilder.Silo.Files;
using Autobuilder.Silo.Hosting;
using Autobuilder.Silo.Storage;

namespace Autobuilder.Silo.Stage.Incoming;

/// <summary>
/// Fetches an upload's offer into repo-incoming/&lt;repository&gt;/&lt;product&gt;/.offers/&lt;key&gt;/
/// (a hidden folder the queue's scan never reads): on one host straight from the garage's
/// <c>uploads/</c> and <c>results/</c>, in a cluster through <see cref="IHostFilesGrain"/> of the
/// garage host. Either way only regular files under those two folders are read, through no link:
/// the offer comes from a silo, but what the folders hold came from uploaders and builds.
/// </summary>
public sealed class OfferedFiles(StageFolders folders, DataPaths paths, SiloIdentity self, IGrainFactory grains) : IOfferedFiles
{
    // What a build leaves that the stage takes: packages, the build record, the .changes naming them.
    private static readonly string[] BuildKinds = [".deb", ".udeb", ".ddeb", ".buildinfo", ".changes"];

    private static readonly IReadOnlySet<string> Readable = new HashSet<string>(StringComparer.Ordinal) { "uploads", "results" };

    public async Task<OfferedFolder> FetchAsync(string repository, string product, UploadOffer offer, CancellationToken ct = default)
    {
        var folder = Path.Combine(folders.Incoming(repository, product), ".offers", Key(offer.UploadId));
        Directory.CreateDirectory(folder);
        // The garage's own files when it runs on this host (role all, or garage and stage on one host).
        var remote = offer.Host.Length == 0 || offer.Host == self.HostName ? null : grains.GetGrain<IHostFilesGrain>(offer.Host);
        var problems = new List<string>();
        foreach (var name in offer.Source.Files.Prepend(offer.Source.DscFileName))
        {
            if (!FileNames.IsSafe(name))
            {
                problems.Add($"the offer names '{name}', which is not a plain file name");
                continue;
            }
            await FetchOneAsync(remote, offer.Source.Folder, name, folder, -1, ct);
        }
        var changes = new List<string>();
        foreach (var build in offer.Builds)
        {
            var listed = (await ListAsync(remote, build.Folder))
                .Where(f => FileNames.IsSafe(f.Name) && Array.IndexOf(BuildKinds, Path.GetExtension(f.Name)) >= 0)
                .ToList();
            var changesFiles = listed.Where(f => f.Name.EndsWith(".changes", StringComparison.Ordinal)).ToList();
            if (changesFiles.Count != 1)
            {
                problems.Add($"the {build.Architecture} build left {changesFiles.Count} .changes files (expected one): {string.Join(", ", changesFiles.Select(f => f.Name))}");
                continue;
            }
            foreach (var file in listed)
                await FetchOneAsync(remote, build.Folder, file.Name, folder, file.Length, ct);
            changes.Add(changesFiles[0].Name);
        }
        return new OfferedFolder(folder, changes, problems);
    }

    public Task ClearAsync(string folder, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            var offers = Path.GetFullPath(Path.Combine(folder, ".."));
            // Only ever an offer folder: repo-incoming/<repository>/<product>/.offers/<key>.
            if (Path.GetFileName(offers) != ".offers" || !offers.StartsWith(folders.IncomingRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ArgumentException($"{folder} is not an offer folder", nameof(folder));
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }, ct);

    /// <summary>A folder name for an upload id (which holds '/'): short, fixed, and the same for every offer of it.</summary>
    private static string Key(string uploadId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uploadId)))[..32];

    private async Task<IReadOnlyList<HostFile>> ListAsync(IHostFilesGrain? remote, string folder)
    {
        if (remote is not null)
            return await remote.ListAsync(folder);
        var full = Local(folder);
        return Directory.Exists(full)
            ? [.. new DirectoryInfo(full).EnumerateFiles().Where(f => f.LinkTarget is null).OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new HostFile(f.Name, f.Length))]
            : [];
    }

    /// <summary>
    /// Copies one file under a hidden temporary name, then renames it: the folder never shows half a
    /// file. A file already there from an interrupted offer is kept when its length is right (its sums
    /// are checked against the .dsc/.changes before anything is accepted).
    /// </summary>
    private async Task FetchOneAsync(IHostFilesGrain? remote, string folder, string name, string into, long length, CancellationToken ct)
    {
        var destination = Path.Combine(into, name);
        var existing = new FileInfo(destination);
        if (existing.Exists && existing.LinkTarget is null && (length < 0 || existing.Length == length))
            return;
        var path = Path.Combine(folder, name);
        if (remote is not null)
        {
            var temporary = Path.Combine(into, $".{name}.{Guid.NewGuid():N}.tmp");
            try
            {
                await HostFileTransfer.FetchAsync(remote, path, temporary, ct);
                File.Move(temporary, destination, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
            return;
        }
        var local = Local(path);
        // A name the offer lists that is not there is left to the .dsc/.changes check, which names it.
        if (!Files.RegularFile.Exists(local))
            return;
        await Task.Run(() => ResultHandoff.CopyAtomically(local, destination), ct);
    }

    /// <summary>An absolute path of this host's garage, refused unless under uploads/ or results/ of the data root and through no link.</summary>
    private string Local(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(paths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new UnauthorizedAccessException($"{path} is outside the data root of this host");
        return HostFilesGrain.Resolve(paths.Root, Path.GetRelativePath(paths.Root, full).Replace(Path.DirectorySeparatorChar, '/'), Readable);
    }
}
