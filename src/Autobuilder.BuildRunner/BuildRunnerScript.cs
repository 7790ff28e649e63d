namespace Autobuilder.BuildRunner;

/// <summary>
/// The <c>ab-build-runner</c> bash script, shipped inside this assembly and next to it, so an
/// executor can run it in place or copy it to a builder host that has no .NET.
/// </summary>
public static class BuildRunnerScript
{
    public const string FileName = "ab-build-runner";

    private const string ResourceName = "Autobuilder.BuildRunner.ab-build-runner";

    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The script's bytes, from the embedded copy (always present, whatever the output layout).</summary>
    public static byte[] ReadBytes()
    {
        using var stream = typeof(BuildRunnerScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from {typeof(BuildRunnerScript).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The copy next to the application's assemblies, or null when the output has none.</summary>
    public static string? Locate()
    {
        foreach (var folder in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(BuildRunnerScript).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(folder))
                continue;
            var candidate = Path.Combine(folder, FileName);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>
    /// Writes the embedded script to <paramref name="path"/> with mode 0755 and returns the full path.
    /// Written to a temporary name and renamed, so a concurrent runner never executes half a script.
    /// </summary>
    public static string WriteTo(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(tmp, ReadBytes());
            File.SetUnixFileMode(tmp, Executable);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }
        return full;
    }
}
