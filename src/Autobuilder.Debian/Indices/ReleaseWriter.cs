using System.Text;
using Autobuilder.Debian.Signing;

namespace Autobuilder.Debian.Indices;

/// <summary>
/// Writes a suite's Release and, with a signer, its InRelease (clear-signed) and Release.gpg
/// (detached) — Debian wiki RepositoryFormat, "Release files"; SecureApt. Call it after every index
/// is in place: the Release names their sums, and apt rejects an index whose sums differ.
/// </summary>
public static class ReleaseWriter
{
    /// <summary>The Release file's bytes: the paragraph in UTF-8, ending in one newline.</summary>
    public static byte[] Render(ReleaseFile release)
    {
        if (release.Date is null)
            throw new ArgumentException("a Release needs a Date: apt uses it to refuse Release files older than the one it has", nameof(release));
        return new UTF8Encoding(false).GetBytes(release.ToParagraph().ToString());
    }

    /// <summary>
    /// Writes Release, Release.gpg and InRelease to <paramref name="suiteDirectory"/>: all three to
    /// temporary names first, then renamed, InRelease last because apt asks for it first. Without a
    /// signer, InRelease and Release.gpg are removed: an old signature over another Release
    /// would only make apt fail.
    /// </summary>
    public static void Write(string suiteDirectory, ReleaseFile release, IArchiveSigner? signer = null)
    {
        var bytes = Render(release);
        Directory.CreateDirectory(suiteDirectory);
        var outputs = new List<(string Name, byte[] Content)> { ("Release", bytes) };
        if (signer is not null)
        {
            // With gpg, two runs: side by side they cost the time of one (the agent signs both).
            var detached = Task.Run(() => signer.DetachSign(bytes));
            var clear = signer.ClearSign(bytes);
            outputs.Add(("Release.gpg", detached.GetAwaiter().GetResult()));
            outputs.Add(("InRelease", clear));
        }

        var temporaries = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, content) in outputs)
            {
                var final = Path.Combine(suiteDirectory, name);
                var temp = Path.Combine(suiteDirectory, $".{name}.new-{Guid.NewGuid():N}");
                temporaries.Add((temp, final));
                using var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
                f.Write(content);
                f.Flush(flushToDisk: true);
            }
            if (signer is null)
            {
                File.Delete(Path.Combine(suiteDirectory, "InRelease"));
                File.Delete(Path.Combine(suiteDirectory, "Release.gpg"));
            }
            foreach (var (temp, final) in temporaries)
                File.Move(temp, final, overwrite: true);
        }
        finally
        {
            foreach (var (temp, _) in temporaries)
                File.Delete(temp);
        }
    }
}
