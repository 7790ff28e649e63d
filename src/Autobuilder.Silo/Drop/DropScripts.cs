namespace Autobuilder.Silo.Drop;

/// <summary>
/// The drop host's two programs, shipped inside the silo: <c>ab-drop-keys</c> (sshd's
/// AuthorizedKeysCommand) and <c>ab-drop-sftp</c> (every uploader key's forced command). sshd runs
/// an AuthorizedKeysCommand only when it and every folder above it are owned by root and writable
/// by nobody else, so they are installed at a fixed root-owned path (DropOptions.Scripts), which
/// docs/sshd-autobuilder-drop.conf names.
/// </summary>
public static class DropScripts
{
    public const string KeysCommand = "ab-drop-keys";
    public const string ForcedCommand = "ab-drop-sftp";

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static byte[] ReadBytes(string name)
    {
        var resource = $"Autobuilder.Silo.Drop.{name}";
        using var stream = typeof(DropScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"resource {resource} is missing from the silo");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Writes both programs into <paramref name="folder"/> (0755; the script files 0755, owned by
    /// the caller), each replaced by rename only when its content differs, so a login running the
    /// old copy is never cut short. Folders above must already be root-owned and not writable by others.
    /// </summary>
    public static void Install(string folder)
    {
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder, Executable);
        File.SetUnixFileMode(folder, Executable);
        foreach (var name in new[] { KeysCommand, ForcedCommand })
        {
            var bytes = ReadBytes(name);
            var path = Path.Combine(folder, name);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)
                && File.GetUnixFileMode(path) == Executable)
                continue;
            var tmp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                File.WriteAllBytes(tmp, bytes);
                File.SetUnixFileMode(tmp, Executable);
                File.Move(tmp, path, overwrite: true);
            }
            finally
            {
                File.Delete(tmp);
            }
        }
    }
}
