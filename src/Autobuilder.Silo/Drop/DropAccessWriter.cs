using System.Text;
using Autobuilder.Grains;
using Autobuilder.Grains.Options;
using Autobuilder.Grains.Services;
using Autobuilder.Silo.Execution.Sandbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autobuilder.Silo.Drop;

/// <summary>
/// The drop host's side of the directory (Autobuilder:Uploaders:Drop), written after every change
/// and on <c>accounts sync</c>:
/// <list type="bullet">
/// <item>command mode: the key index that ab-drop-keys (sshd's AuthorizedKeysCommand) bisects,
/// <see cref="DropOptions.KeyIndex"/>, owned by the silo, group of <see cref="DropOptions.KeyCommandUser"/>, 0640;</item>
/// <item>file mode: the upload user's <see cref="DropOptions.AuthorizedKeysFile"/>, root:&lt;upload group&gt; 0640
/// (sshd reads it as the upload user; StrictModes wants root or that user as owner);</item>
/// <item>both: every enabled account's area &lt;Root&gt;/&lt;login&gt;/ (silo:upload 0750: the upload
/// user may enter, not create) and its product folders &lt;Root&gt;/&lt;login&gt;/&lt;product&gt;/
/// (silo:upload 2770: the upload user writes files there; the silo, their folder's owner, reads and removes them).</item>
/// </list>
/// Each file is replaced whole (temporary file, fsync, rename), so sshd sees the old set or the new,
/// never a half-written one. Disabled and removed accounts get no key line; their areas stay, with
/// whatever is in them, for the operator. The file of the other mode is kept current too when it
/// exists, so switching modes never leaves a stale key that was revoked since.
/// </summary>
public sealed partial class DropAccessWriter(IOptions<AutobuilderOptions> options, ILogger<DropAccessWriter> logger)
    : IAccountSnapshotWriter
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerGroupRead = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode FolderOpen = Owner | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode FolderGroupEnter = Owner | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode FolderGroupWrite = Owner | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.SetGroup;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteAsync(AccountSnapshot snapshot, CancellationToken ct = default)
    {
        var o = options.Value;
        if (!o.Uploaders.Drop.Enabled)
            return;
        await _gate.WaitAsync(ct);
        try
        {
            Write(snapshot, o.Uploaders.Drop, o.Products);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the snapshot now (the work of <see cref="WriteAsync"/>, callers serialise).</summary>
    public DropWriteResult Write(AccountSnapshot snapshot, DropOptions drop, IReadOnlyList<string> products)
    {
        var mode = drop.Mode;
        if (mode is not ("command" or "file"))
            throw new InvalidOperationException($"Autobuilder:Uploaders:Drop:Mode is '{mode}': it must be \"command\" (AuthorizedKeysCommand) or \"file\" (authorized_keys)");
        if (drop.MaxAreaBytes < 0)
            throw new InvalidOperationException($"Autobuilder:Uploaders:Drop:MaxAreaBytes is {drop.MaxAreaBytes}: it must be 0 (Intake:MaxUploadBytes) or a number of bytes");
        var upload = SlotAccount.Find(drop.User)
            ?? throw new InvalidOperationException($"the upload user '{drop.User}' (Autobuilder:Uploaders:Drop:User) does not exist: scripts/install-deps makes 'upload'; see docs/drop-host.md");
        if (upload.Uid == 0)
            throw new InvalidOperationException($"the upload user '{drop.User}' is root; uploader keys log in as an unprivileged account");
        var forced = Path.Combine(Path.GetFullPath(drop.Scripts), DropScripts.ForcedCommand);
        var root = Path.GetFullPath(drop.Root);
        var intake = options.Value.Intake;
        var limits = new DropLimits(drop.MaxAreaBytes > 0 ? drop.MaxAreaBytes : intake.MaxUploadBytes, intake.MaxFileBytes);
        var (lines, skipped) = DropKeyLines.From(snapshot, forced, root, limits);
        foreach (var reason in skipped)
            LogKeyLeftOut(logger, snapshot.Version, reason);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var written = new List<string>();
        if (mode == "command" || File.Exists(drop.KeyIndex))
        {
            WriteIndex(drop, lines);
            written.Add(drop.KeyIndex);
        }
        if (mode == "file" || File.Exists(drop.AuthorizedKeysFile))
        {
            WriteAuthorizedKeys(drop, upload, lines);
            written.Add(drop.AuthorizedKeysFile);
        }
        var areas = MakeAreas(snapshot, root, upload, products);
        LogWritten(logger, snapshot.Version, lines.Count, mode, string.Join(", ", written), areas,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new DropWriteResult(lines, skipped, areas);
    }

    private static void WriteIndex(DropOptions drop, IReadOnlyList<DropKeyLine> lines)
    {
        var reader = SlotAccount.Find(drop.KeyCommandUser)
            ?? throw new InvalidOperationException($"the AuthorizedKeysCommandUser '{drop.KeyCommandUser}' (Autobuilder:Uploaders:Drop:KeyCommandUser) does not exist: scripts/install-deps makes 'abdropkeys'; see docs/drop-host.md");
        var path = Path.GetFullPath(drop.KeyIndex);
        var folder = Path.GetDirectoryName(path)!;
        // The index's folder: the silo writes, the command user's group reads; nobody else looks in.
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!, FolderOpen);
            Directory.CreateDirectory(folder, FolderGroupEnter);
        }
        File.SetUnixFileMode(folder, FolderGroupEnter);
        var hint = $"the silo must be root or a member of the group of {drop.KeyCommandUser}";
        DropUnix.Chown(folder, DropUnix.EffectiveUid, reader.Gid, hint);
        var text = new StringBuilder(lines.Count * 200);
        foreach (var line in lines)
            text.Append(line.IndexLine).Append('\n');
        ReplaceFile(path, text.ToString(), DropUnix.EffectiveUid, reader.Gid, hint);
    }

    private void WriteAuthorizedKeys(DropOptions drop, SlotAccount upload, IReadOnlyList<DropKeyLine> lines)
    {
        var path = Path.GetFullPath(drop.AuthorizedKeysFile);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
            Directory.CreateDirectory(folder, FolderOpen);
        if (DropUnix.EffectiveUid != 0)
            LogFileModeNeedsRoot(logger, path);
        var text = new StringBuilder(lines.Count * 200);
        text.Append("# Written by the autobuilder silo from its account directory (Autobuilder:Uploaders:Drop); edits are overwritten.\n");
        foreach (var line in lines)
            text.Append(line.Line).Append('\n');
        ReplaceFile(path, text.ToString(), DropUnix.EffectiveUid, upload.Gid,
            $"the silo must be root or a member of the group of {drop.User}");
    }

    /// <summary>temp + fsync + chown/chmod + rename: readers see the old file or the new, whole, with its final owner and mode.</summary>
    private static void ReplaceFile(string path, string content, uint uid, uint gid, string hint)
    {
        var tmp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerGroupRead,
            }))
            {
                stream.Write(Encoding.ASCII.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            DropUnix.Chown(tmp, uid, gid, hint);
            File.SetUnixFileMode(tmp, OwnerGroupRead);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>Makes (or puts right) the areas of the enabled accounts; returns how many accounts have one.</summary>
    private static int MakeAreas(AccountSnapshot snapshot, string root, SlotAccount upload, IReadOnlyList<string> products)
    {
        var me = DropUnix.EffectiveUid;
        var hint = $"the silo must be root or a member of the group of {upload.Name}";
        EnsureFolder(root, FolderGroupEnter, me, upload.Gid, hint);
        var count = 0;
        foreach (var account in snapshot.Accounts)
        {
            if (!account.Enabled || !AccountNames.IsValidLogin(account.Login))
                continue;
            var area = Path.Combine(root, account.Login);
            EnsureFolder(area, FolderGroupEnter, me, upload.Gid, hint);
            foreach (var product in products)
            {
                // Product names come from the silo's own configuration, but they name folders: same rule as logins.
                if (!AccountNames.IsValidLogin(product))
                    continue;
                EnsureFolder(Path.Combine(area, product), FolderGroupWrite, me, upload.Gid, hint);
            }
            count++;
        }
        return count;
    }

    private static void EnsureFolder(string path, UnixFileMode mode, uint uid, uint gid, string hint)
    {
        var info = new DirectoryInfo(path);
        if (info.Exists && info.LinkTarget is null && info.UnixFileMode == mode)
            return;
        if (info.LinkTarget is not null || File.Exists(path))
            throw new IOException($"{path} is not a folder (a link or a file is in its place); the drop area must be a plain folder: move it away");
        if (!info.Exists)
            Directory.CreateDirectory(path, mode);
        DropUnix.Chown(path, uid, gid, hint);
        // chmod after chown: chown clears the setgid bit.
        File.SetUnixFileMode(path, mode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop, directory version {Version}: {Reason}")]
    private static partial void LogKeyLeftOut(ILogger logger, long version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop, directory version {Version}: {Keys} uploader keys ({Mode} mode) written to {Files}; {Areas} areas checked, in {Milliseconds:F0} ms")]
    private static partial void LogWritten(ILogger logger, long version, int keys, string mode, string files, int areas, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop in file mode: {Path} is owned by the silo's user, not root; sshd (StrictModes) ignores an authorized_keys file of another owner than root or the upload user: run the silo as root or use command mode")]
    private static partial void LogFileModeNeedsRoot(ILogger logger, string path);
}

/// <summary>What one write did: the key lines, the keys left out and why, and how many areas exist.</summary>
public sealed record DropWriteResult(IReadOnlyList<DropKeyLine> Lines, IReadOnlyList<string> Skipped, int Areas);
