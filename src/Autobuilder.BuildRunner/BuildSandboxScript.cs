using System.Security.Cryptography;

namespace Autobuilder.BuildRunner;

/// <summary>
/// The <c>ab-build-sandbox</c> bash script: how a local slot's host-mode build starts as the
/// slot's own unix user (clean environment, own user, PID and network namespaces). Shipped inside
/// this assembly, so a silo running as root can install the exact copy it was built with.
/// </summary>
public static class BuildSandboxScript
{
    public const string FileName = "ab-build-sandbox";

    /// <summary>Its exit code when the sandbox itself cannot be set up (not the build's fault).</summary>
    public const int SetupFailed = 125;

    /// <summary>Where the Docker image and docs/operations.md install it for a silo that is not root (the sudo rule names this path).</summary>
    public const string InstalledPath = "/usr/lib/autobuilder/" + FileName;

    private const string ResourceName = "Autobuilder.BuildRunner.ab-build-sandbox";

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static byte[] ReadBytes()
    {
        using var stream = typeof(BuildSandboxScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from {typeof(BuildSandboxScript).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Installs this version of the script under <paramref name="root"/>/&lt;hash&gt;/ (folders 0755,
    /// script 0755, owned by the caller) and returns its path. The hash in the name lets silos of
    /// different versions share the folder; an existing copy is never rewritten.
    /// </summary>
    public static string InstallUnder(string root)
    {
        var bytes = ReadBytes();
        var folder = Path.Combine(Path.GetFullPath(root), Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
        var path = Path.Combine(folder, FileName);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return path;
        Directory.CreateDirectory(folder, Executable);
        File.SetUnixFileMode(folder, Executable);
        var tmp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
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
        return path;
    }
}
